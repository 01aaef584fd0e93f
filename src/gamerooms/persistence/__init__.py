"""Durable records through the Django ORM: players and the match journal."""
