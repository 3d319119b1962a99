"""Benchmarks (`make bench`) and generated sample copy. Timings live here, never
in tests."""
