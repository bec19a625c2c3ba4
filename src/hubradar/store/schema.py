"""The store's schema: migrations applied in order, each recorded in the `migrations` table.

Append only: never edit a migration that has shipped. `Store.open` applies the missing ones in
one write transaction and refuses a file whose schema is newer than `SCHEMA_VERSION`.

A snapshot's rows keep the moving numbers (rank, downloads, likes, trending) in columns and the
slow-moving rest of the record in a deduplicated `models` table, so a year of hourly snapshots of
1,000 models stays small and `movers` stays fast.
"""

from __future__ import annotations

# (version, name, SQL).
MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "snapshots",
        """
        CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY,
            query_key TEXT NOT NULL,
            query_json TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            source TEXT NOT NULL,
            depth INTEGER NOT NULL,
            row_count INTEGER NOT NULL,
            complete INTEGER NOT NULL DEFAULT 0,
            content_hash TEXT
        );
        CREATE INDEX snapshots_query_time ON snapshots(query_key, fetched_at);
        CREATE INDEX snapshots_hash ON snapshots(content_hash);
        CREATE TABLE models (
            ref INTEGER PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            model_id TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX models_model_id ON models(model_id);
        CREATE TABLE snapshot_rows (
            snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
            rank INTEGER NOT NULL,
            model_ref INTEGER NOT NULL REFERENCES models(ref),
            downloads INTEGER,
            downloads_all_time INTEGER,
            likes INTEGER,
            trending_score REAL,
            PRIMARY KEY (snapshot_id, rank)
        ) WITHOUT ROWID;
        CREATE INDEX snapshot_rows_model ON snapshot_rows(model_ref);
        CREATE TABLE lookups (
            model_id TEXT NOT NULL,
            expand_key TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            data TEXT,
            PRIMARY KEY (model_id, expand_key)
        );
        """,
    ),
    (
        2,
        "snapshot lineage",
        # A deep snapshot's lineage (store/lineage.py): the links `Lineage` found over its records
        # ranked by `sort` under the lineage rules `rules` (a digest of their code), each column one
        # text (NUL between the links) read back in one value.
        """
        CREATE TABLE snapshot_lineage (
            snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots(id) ON DELETE CASCADE,
            sort TEXT NOT NULL,
            rules TEXT NOT NULL,
            children TEXT NOT NULL,
            parents TEXT NOT NULL,
            relations TEXT NOT NULL,
            inferred TEXT NOT NULL,
            broken TEXT NOT NULL
        );
        """,
    ),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
