"""Benchmarks run by ``carbonledger bench ...``; each prints its measurements."""
