"""The analyses of whole-Hub snapshots in DuckDB SQL: lineage, families, the state of the Hub, gains.

Each module here writes set-based SQL over a relation of records in `ModelRecord`'s column names
and runs it on a DuckDB connection the caller gives (app/ opens it, never a cached listing).
"""
