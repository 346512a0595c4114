"""Helpers with no knowledge of events: deterministic JSON and atomic writes."""
