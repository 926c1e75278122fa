"""Named queries and the functions that answer users' questions."""
