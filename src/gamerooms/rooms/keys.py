"""Every store key and pub/sub topic of rooms, matches, queues and the lobby, in one table.

These strings name stored data: changing one loses what a running store (Redis, a state file)
already holds. A document, a presence set and a topic of the same thing may share a string, as
the store keeps documents, presence, sets and topics apart. Presence keys read `kind:subject`:
what a process that died held is handed back to the handler of its kind (`rooms.leases`).
"""

from __future__ import annotations

LOBBY_TOPIC = "lobby"
"""The pub/sub topic of the lobby's sockets."""
SOCKET_KINDS = ("lobby", "room", "queue", "match")
"""The kinds of game socket: each kind's topics are named after it (see `parse_topic`)."""
LISTED_ROOMS = "lobby:rooms"
"""The store set of listed (public) room codes."""
DRAFTS = "lobby:drafts"
"""The store set of pending draft ids, and the presence key of the lobby sockets that hold them."""
PROCESSES = "processes"
"""The store set of server processes' heartbeat documents, until each is cleaned up after."""


def process_key(process_id: str) -> str:
    """The store key of a server process's heartbeat document, the owner of what it holds."""
    return f"process:{process_id}"


def room_key(code: str) -> str:
    """The store key of a room (`room_key("")` is the prefix of them all)."""
    return f"room:{code}"


def room_topic(code: str) -> str:
    """The pub/sub topic of a room's sockets (keyed by player id)."""
    return f"room:{code}"


def is_room_topic(topic: str) -> bool:
    """Whether a topic is a room's."""
    return topic.startswith("room:")


def room_presence_key(code: str) -> str:
    """The store presence key of a room's connected players."""
    return f"room:{code}"


def password_attempts_key(code: str) -> str:
    """The store counter of wrong passwords given for a room, by anyone."""
    return f"password-attempts:{code}"


def player_attempts_key(code: str, player_id: str) -> str:
    """The store counter of wrong passwords one player gave for a room."""
    return f"password-attempts:{code}:{player_id}"


def holdings_key(kind: str, player_id: str) -> str:
    """The store key of what one player holds of a kind (rooms, drafts)."""
    return f"holdings:{kind}:{player_id}"


def draft_key(pending_id: str) -> str:
    """The store key of a draft."""
    return f"draft:{pending_id}"


def match_key(match_id: str) -> str:
    """The store key of a live match (`match_key("")` is the prefix of them all)."""
    return f"match:{match_id}"


def match_topic(match_id: str) -> str:
    """The pub/sub topic on which a match's announcements travel."""
    return f"match:{match_id}"


def match_presence_key(match_id: str) -> str:
    """The store presence key of a match's connected seats."""
    return f"match:{match_id}"


def claims_key(match_id: str) -> str:
    """The store presence key counting each seat's socket generations."""
    return f"claims:{match_id}"


def queue_key(game: str, size: int) -> str:
    """The store key of a queue."""
    return f"queue:{game}:{size}"


def queue_topic(game: str, size: int) -> str:
    """The pub/sub topic of a queue's sockets (keyed by player id)."""
    return f"queue:{game}:{size}"


def parse_topic(topic: str) -> tuple[str, str]:
    """A topic's kind (one of SOCKET_KINDS) and what it is of: a room code, a match id,
    a queue's "game:size", or "" for the lobby."""
    kind, _, subject = topic.partition(":")
    return kind, subject
