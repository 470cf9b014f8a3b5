"""The consortium chain node: JetStream-ordered, EVM-executed, SQLite-stored, JSON-RPC-served.

Only the CLI, benchmarks and devtools import this package; every other component talks to
a node over Ethereum JSON-RPC.
"""
