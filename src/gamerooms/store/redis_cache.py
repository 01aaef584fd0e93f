"""Django's Redis cache on a Redis Cluster, for the REST throttles' counts."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.cluster import RedisCluster

__all__ = ["RedisClusterCache"]


class _ClusterClient(RedisCacheClient):
    """Every cache command through one cluster client, which sends it to its slot's master."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._url = servers[0]
        self._cluster: RedisCluster | None = None

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        """The cluster client (made on first use, from the first server's URL)."""
        if self._cluster is None:
            self._cluster = RedisCluster.from_url(self._url)
        return self._cluster


class RedisClusterCache(RedisCache):
    """A RedisCache whose LOCATION names a node of a Redis Cluster; give it a KEY_PREFIX that is
    a hash tag (``{prefix}``) so that its multi-key commands find their keys in one slot."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ClusterClient
