# Append to the settings.py of your Django project (`django-admin startproject mysite`).

INSTALLED_APPS += ["rest_framework", "channels", "gamerooms"]
INSTALLED_APPS += ["gamerooms.web"]  # the demo pages at / and gamerooms.js (optional)
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")  # static files under uvicorn

GAMEROOMS = {
    # Only these games (leave GAMES out to offer every installed game, the three demo games too).
    "GAMES": ["gamerooms.games.tictactoe:TicTacToe"],
    "REDIS_URL": None,  # one process, state in memory; "redis://..." for several
}
