"""gamerooms: a multiplayer game server for Django."""
