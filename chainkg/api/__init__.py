"""The FastAPI query API, its views and pages."""
