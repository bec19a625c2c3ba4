"""Data and vocabulary: the one `ModelRecord`, queries, listings, units, errors. No I/O."""
