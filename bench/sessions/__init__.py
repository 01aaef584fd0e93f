"""Worker-side sessions: the clients of one generator process, driven by bench.pool."""
