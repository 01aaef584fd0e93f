"""Room codes that read aloud without ambiguity, and salted password hashes.

PBKDF2 takes tens of milliseconds of CPU: servers hash and check through `hash_off_loop` and
`check_off_loop`, which run it on one thread of its own, never on the event loop (hashlib
releases the GIL), so a flood of passwords slows other passwords only and uses one core at most.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from concurrent.futures import ThreadPoolExecutor

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O or 1/I: a code read aloud or copied by hand is never ambiguous."""
CODE_LENGTH = 6
_ITERATIONS = 100_000
_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gamerooms-passwords")


def new_room_code() -> str:
    """A random 6-character room code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    """A code as typed by a person, in canonical (upper) case."""
    return code.strip().upper()


def hash_password(password: str) -> str:
    """A salted PBKDF2 hash of a room password."""
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), _ITERATIONS)
    return f"pbkdf2_sha256${_ITERATIONS}${salt}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Whether `password` matches a hash made by `hash_password`."""
    _, iterations, salt, expected = stored.split("$")
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(digest.hex(), expected)


async def hash_off_loop(password: str) -> str:
    """`hash_password` on the hashing thread."""
    return await asyncio.get_running_loop().run_in_executor(_HASHING, hash_password, password)


async def check_off_loop(password: str, stored: str) -> bool:
    """`check_password` on the hashing thread."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_HASHING, check_password, password, stored)
