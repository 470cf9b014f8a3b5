"""carbonledger: blockchain-backed carbon accounting (MRV) and carbon trading."""

__version__ = "0.1.0"
