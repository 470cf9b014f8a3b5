"""The carbon market: order matching off chain, escrow and settlement on chain."""
