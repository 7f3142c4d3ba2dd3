"""`python -m savile.config` prints the config reference, for the README."""

from savile.config.reference import reference_markdown

print(reference_markdown())
