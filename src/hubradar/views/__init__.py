"""Views: what each answer shows (columns, rows, notes), independent of the output format."""
