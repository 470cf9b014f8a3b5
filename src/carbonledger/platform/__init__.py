"""The platform service: accounts and roles, the MRV workflow, the registry and compliance.

FastAPI + SQLAlchemy 2 + Alembic. It reaches the chain only through
:mod:`carbonledger.ledger` (Ethereum JSON-RPC), so it runs on the bundled chain or on any
EVM consortium chain.
"""
