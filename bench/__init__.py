"""densefit's benchmark harness: `python -m bench --help` (docs/benchmarks.md)."""
