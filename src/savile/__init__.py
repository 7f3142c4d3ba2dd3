"""Savile: a fine-tuning workbench for retail and luxury brands."""

__version__ = "0.1.0"
