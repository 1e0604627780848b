"""Benchmark scenarios (bench/README.md). Speed is measured here, never asserted in tests."""
