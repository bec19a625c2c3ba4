"""The use cases: the only layer that combines fetch, store and analysis (the CLI and the library call it)."""
