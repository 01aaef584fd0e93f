"""`manage.py` commands: prune_guests."""
