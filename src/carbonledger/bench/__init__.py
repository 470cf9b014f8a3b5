"""Benchmarks (``carbonledger bench ...``). Targets are checked here, never in timed unit tests."""
