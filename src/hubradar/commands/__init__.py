"""One module per command group; `hubradar.cli` registers them on the app."""
