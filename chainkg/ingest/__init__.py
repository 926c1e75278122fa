"""Ingest: read files, validate rows, resolve entities, write batches to a store."""
