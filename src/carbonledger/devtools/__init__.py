"""Developer tools: reference nodes and helpers used by tests and benchmarks."""
