"""Load benchmarks of gamerooms against peer servers (see bench/README.md)."""
