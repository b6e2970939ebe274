"""Benchmarks (`make bench`): each bench_*.py module here has a `run(args) -> list[Result]`.

Results are printed as ratios against a baseline measured in the same run, never as absolute
time limits (machines are shared and noisy).
"""
