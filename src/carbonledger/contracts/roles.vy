#pragma version 0.4.3
"""
@title Roles
@notice The roles an organisation may hold; shared by every carbonledger contract.
        An organisation holds exactly one role. Checks pass a union of roles ("any of").
"""

flag Role:
    ADMIN  # runs the platform: manages the registry, pauses the coin, wires contracts
    REGULATOR  # government: certifies organisations, allocates, issues, assigns, confirms
    VERIFIER  # third-party auditor: attests or rejects reports it is assigned
    ENTERPRISE  # emitter: reports, holds, trades, surrenders and retires units
    FINANCE  # bank: mints carbon coin on deposit and burns it on withdrawal
    MARKET_OPERATOR  # exchange: settles matched trades and cancels orders
