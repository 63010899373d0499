"""Reads: each function aggregates in SQL and returns a DataFrame or a small dataclass."""
