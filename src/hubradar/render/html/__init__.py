"""The radar as one self-contained HTML page."""
