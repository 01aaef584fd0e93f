"""The benchmark's workloads: relay, turns, idle and storm."""
