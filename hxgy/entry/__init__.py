"""Writing data: the forms' and imports' one way into the database, with its rules (see rules.py)."""
