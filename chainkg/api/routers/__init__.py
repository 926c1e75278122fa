"""One router per resource family: health, resources, analytics, ingest."""
