"""One script per engine; each trains one workload in its own process and prints one JSON
line (bench/runners/protocol.py)."""
