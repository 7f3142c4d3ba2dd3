"""Data preparation: ingest brand files, pseudonymise, build task examples, split, write the data card."""
