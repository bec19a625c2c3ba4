"""The `hubradar` command (Typer): parse, call `hubradar.app`, emit."""

from hubradar.cli.main import app, main

__all__ = ["app", "main"]
