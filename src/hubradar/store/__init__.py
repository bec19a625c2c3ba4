"""Local storage: the SQLite store of listings and history, its recovery and admin."""
