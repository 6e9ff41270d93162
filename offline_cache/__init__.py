"""Encrypted offline snapshots of agency answers on SQLite. Imports no other package of ours."""
