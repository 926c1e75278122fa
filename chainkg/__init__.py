"""chainkg: a knowledge graph of industry chains and innovation alliances."""

__version__ = "0.1.0"
