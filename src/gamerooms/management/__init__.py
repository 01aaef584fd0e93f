"""Management commands of the gamerooms app."""
