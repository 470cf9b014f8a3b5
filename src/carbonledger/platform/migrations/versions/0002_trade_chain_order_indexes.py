"""index trades by Settlement order id

Releasing ended orders sums each order's settled tonnes by its Settlement order id, for
hundreds of orders a round on a busy market.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 15:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("market_trades", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_market_trades_buy_chain_order"), ["buy_chain_order"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_market_trades_sell_chain_order"), ["sell_chain_order"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("market_trades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_market_trades_sell_chain_order"))
        batch_op.drop_index(batch_op.f("ix_market_trades_buy_chain_order"))
