"""``python -m chainkg``: the ``chainkg`` command (as the console script)."""

from chainkg.cli.program import main

if __name__ == "__main__":  # imported (by doctest collection, say), it runs nothing
    main()
