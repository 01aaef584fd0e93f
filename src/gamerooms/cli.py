"""The `gamerooms` command: `serve` runs the server; `match` creates a match between players;
`createsuperuser` creates an account for the Django admin; `prune-guests` removes unused guests."""

from __future__ import annotations

import argparse
import gc
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _setup_django(data: str | None) -> None:
    if data is not None:
        os.environ["GAMEROOMS_DATA"] = data
    Path(os.environ.get("GAMEROOMS_DATA", ".gamerooms")).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gamerooms.settings")
    import django

    django.setup()


def _freeze_heap() -> None:
    """Move every object alive now (Django, the games, the runtime: tens of thousands that live
    as long as the process) out of the garbage collector's sight. Without this, each full
    collection walks them all and stalls the event loop for tens of milliseconds."""
    gc.collect()
    gc.freeze()


def _graceful_server_class() -> type:
    import uvicorn

    class GracefulServer(uvicorn.Server):
        """Leaves its started heap to the collector's permanent generation; closes game sockets
        with 1001 (going away) before uvicorn shuts connections down."""

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            _freeze_heap()

        async def shutdown(self, sockets: Any = None) -> None:
            from gamerooms.protocol.codes import CloseCode
            from gamerooms.runtime import current_runtime

            await current_runtime().fanout.close_all(CloseCode.GOING_AWAY)
            await super().shutdown(sockets)

    return GracefulServer


def serve(host: str, port: int, data: str | None, log_level: str) -> None:
    """Migrate the database, then run the server with uvicorn until interrupted."""
    _setup_django(data)
    import uvicorn
    from django.core.management import call_command

    from gamerooms.access_log import redact_tokens_in_uvicorn_logs
    from gamerooms.conf import load_config
    from gamerooms.log_format import use_log_format
    from gamerooms.transport.wire import GameHttpProtocol, GameSocketProtocol, hard_cap

    call_command("migrate", interactive=False, verbosity=0)
    config = load_config()
    server = _graceful_server_class()(
        uvicorn.Config(
            "gamerooms.asgi:application",
            host=host,
            port=port,
            log_level=log_level,
            lifespan="on",
            http=GameHttpProtocol,
            ws=GameSocketProtocol,
            ws_max_size=hard_cap(config.MAX_FRAME_BYTES),
            ws_per_message_deflate=False,
            timeout_graceful_shutdown=5,
        )
    )
    redact_tokens_in_uvicorn_logs()
    use_log_format(os.environ.get("GAMEROOMS_LOG_FORMAT", "plain"))
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn raises Ctrl-C again once it has shut down
        raise SystemExit(130) from None


def create_match(data: str | None, game: str, player_ids: list[str], seed: int | None) -> str:
    """Create a match between existing players (seat order as given); its id."""
    _setup_django(data)
    import asyncio
    from dataclasses import replace

    from django.core.management import call_command

    from gamerooms.conf import load_config
    from gamerooms.models import Player
    from gamerooms.runtime import build_runtime

    call_command("migrate", interactive=False, verbosity=0)
    found = {player.id: player.to_wire() for player in Player.objects.filter(id__in=player_ids)}
    missing = [player_id for player_id in player_ids if player_id not in found]
    if missing:
        raise SystemExit(f"no such players: {', '.join(missing)}")

    async def create() -> str:
        # The server's state file is the server's: this process only writes the journal, from
        # which the server restores the match when a player first connects.
        runtime = build_runtime(replace(load_config(), STATE_FILE=None))
        try:
            players = [found[player_id] for player_id in player_ids]
            return await runtime.matches.create(game, players, seed=seed)
        finally:
            await runtime.close()

    return asyncio.run(create())


def create_superuser(data: str | None, arguments: list[str]) -> None:
    """Migrate the database, then run Django's `createsuperuser` with these arguments."""
    _setup_django(data)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createsuperuser", *arguments)


def prune(data: str | None, days: float) -> None:
    """Migrate the database, then remove guests unused for `days` days (see prune_guests)."""
    _setup_django(data)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("prune_guests", days=days)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `gamerooms` command."""
    parser = argparse.ArgumentParser(prog="gamerooms", description="A multiplayer game server.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="run the server (migrates the database first)")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--data", default=None, help="data folder (default ./.gamerooms/)")
    run.add_argument("--log-level", default="info")
    match = commands.add_parser("match", help="create a match between players; prints its id")
    match.add_argument("--game", required=True)
    match.add_argument("--players", required=True, help="comma-separated player ids, by seat")
    match.add_argument("--seed", type=int, default=None)
    match.add_argument("--data", default=None)
    superuser = commands.add_parser(
        "createsuperuser",
        help="create an admin account; other arguments go to Django's createsuperuser",
    )
    superuser.add_argument("--data", default=None)
    pruning = commands.add_parser(
        "prune-guests", help="remove guests unused for N days (match records kept, anonymized)"
    )
    pruning.add_argument("--days", type=float, required=True)
    pruning.add_argument("--data", default=None)
    bot = commands.add_parser("bot", help="play on a server as a bot, over the public protocol")
    bot.add_argument("--server", required=True, help="e.g. http://127.0.0.1:8000")
    bot.add_argument("--game", required=True)
    bot.add_argument("--level", default="hard")
    bot.add_argument("--name", default="Bot")
    bot.add_argument("--room", default=None, help="a room code to join (default: the queue)")
    bot.add_argument("--games", type=int, default=1, help="matches to play")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script."""
    args, rest = build_parser().parse_known_args(argv)
    if rest and args.command != "createsuperuser":
        build_parser().error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "createsuperuser":
        create_superuser(args.data, rest)
    elif args.command == "prune-guests":
        prune(args.data, args.days)
    elif args.command == "serve":
        serve(args.host, args.port, args.data, args.log_level)
    elif args.command == "bot":
        import asyncio

        from gamerooms.botclient import run_bot

        bot = run_bot(args.server, args.game, args.level, args.name, args.room, args.games)
        for result in asyncio.run(bot):
            print(result)
    elif args.command == "match":
        print(create_match(args.data, args.game, args.players.split(","), args.seed))
