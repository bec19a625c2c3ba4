"""Pure functions over records: lineage, families, sizes, flags, scores, gaps, movers, series."""
