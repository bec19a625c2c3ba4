"""The `hubradar` command (Typer): parse, call `hubradar.app`, emit."""

from hubradar.cli.main import app, hf_main, main

__all__ = ["app", "hf_main", "main"]
