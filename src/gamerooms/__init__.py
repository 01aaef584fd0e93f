"""gamerooms: a multiplayer game server for Django."""

from importlib.metadata import version

__version__ = version("gamerooms")
"""The installed distribution's version (from its package metadata)."""
