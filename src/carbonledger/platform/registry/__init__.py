"""Registry: allocations, balances, transfers, carbon coin and offsets, executed on chain."""
