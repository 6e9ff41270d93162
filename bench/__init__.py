"""Benchmarks: `make bench` (python -m bench) runs them all and prints figures with ratios
against a baseline measured in the same run."""
