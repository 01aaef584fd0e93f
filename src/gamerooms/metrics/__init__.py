"""Prometheus metrics of a gamerooms server: counters and histograms that the hot path moves
(`instruments`), gauges read from the runtime when scraped (`gauges`), and `/metrics` (`view`)."""
