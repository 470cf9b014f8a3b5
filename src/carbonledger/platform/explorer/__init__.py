"""Explorer: traceability with chain verification, public aggregate figures, ledger admin."""
