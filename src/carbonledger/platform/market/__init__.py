"""The carbon market over HTTP: orders escrowed and settled on chain, negotiated trades,
auctions, market data and surveillance (docs/platform/market.md)."""
