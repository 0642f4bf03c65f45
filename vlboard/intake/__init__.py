"""Reporting: accounts, upload reading, validation, templates, imports, history."""
