"""hubradar: read the Hugging Face Hub as an industry radar."""

__version__ = "0.1.0"
