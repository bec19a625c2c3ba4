"""Rendering views: the terminal, text formats (json, csv, md) and the HTML page."""
