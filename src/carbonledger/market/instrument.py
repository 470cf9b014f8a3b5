"""Instruments of the carbon market and the price bands derived from the previous close.

Prices are integer cents of carbon coin per tonne; quantities are integer tonnes. Nothing
here is ever a float, so every limit is computed exactly in integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BPS = 10_000  # basis points in one whole


@dataclass(frozen=True, slots=True)
class Instrument:
    """One tradable instrument, e.g. ``CEA-2024`` (allowances of vintage 2024).

    id: the instrument's code.
    tick: price increment [cents/t]; every price is a multiple of it (default 1 cent).
    lot: quantity increment [t]; every quantity is a positive multiple of it (default 1 t).
    price_limit_bps: daily price limit [basis points] around the previous close
        (default 1000 = ±10 %); ``None`` means no limit.
    block_band_bps: band [basis points] around the previous close inside which a
        negotiated (block) trade may be priced (default 3000 = ±30 %); ``None``: no band.
    block_min_quantity: smallest negotiated trade [t].
    """

    id: str
    tick: int = 1
    lot: int = 1
    price_limit_bps: int | None = 1000
    block_band_bps: int | None = 3000
    block_min_quantity: int = 1

    def __post_init__(self) -> None:
        problems = []
        if not self.id:
            problems.append("id must not be empty")
        for name in ("tick", "lot", "block_min_quantity"):
            value = getattr(self, name)
            if type(value) is not int or value <= 0:
                problems.append(f"{name} must be a positive integer, got {value!r}")
        for name in ("price_limit_bps", "block_band_bps"):
            value = getattr(self, name)
            if value is not None and (type(value) is not int or not 0 <= value < BPS):
                problems.append(f"{name} must be an integer in [0, {BPS}) or None, got {value!r}")
        if problems:
            raise ValueError(f"instrument {self.id!r}: " + "; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tick": self.tick,
            "lot": self.lot,
            "price_limit_bps": self.price_limit_bps,
            "block_band_bps": self.block_band_bps,
            "block_min_quantity": self.block_min_quantity,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instrument:
        return cls(
            id=data["id"],
            tick=data["tick"],
            lot=data["lot"],
            price_limit_bps=data["price_limit_bps"],
            block_band_bps=data["block_band_bps"],
            block_min_quantity=data["block_min_quantity"],
        )


def band(reference: int, bps: int, tick: int) -> tuple[int, int]:
    """The prices [cents/t] allowed within ±``bps`` of ``reference``, as (lowest, highest).

    Both ends are inclusive and on the tick grid: the lower end is rounded up and the upper
    end rounded down, so a price on the grid is allowed exactly when it lies within
    ``reference × (1 ± bps/10000)``. The lowest allowed price is never below one tick.
    """
    low_exact = reference * (BPS - bps)  # in cents × BPS
    high_exact = reference * (BPS + bps)
    step = tick * BPS
    low = -(-low_exact // step) * tick  # ceiling to the tick grid
    high = (high_exact // step) * tick
    return max(low, tick), high
