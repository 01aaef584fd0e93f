"""`python -m gamerooms` runs the command-line interface."""

from gamerooms.cli import main

main()
