"""Magnate, a property-trading board game for 2 to 6 seats."""

from gamerooms.games.magnate.game import Magnate

__all__ = ["Magnate"]
