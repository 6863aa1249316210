"""Speed benchmarks for the kit, measured the way its users feel it: `python -m benchmarks`."""
