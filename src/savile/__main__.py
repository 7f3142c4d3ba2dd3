"""`python -m savile` is the `savile` command."""

from savile.cli import main

main()
