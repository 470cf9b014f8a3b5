"""The one-word event decoder agrees with eth-abi on every event of the contract suite,
and leaves anything not in canonical form to eth-abi."""

from __future__ import annotations

import random
from typing import Any

import pytest
from eth_abi.abi import encode
from eth_abi.exceptions import DecodingError

from carbonledger.contracts import CONTRACTS
from carbonledger.ledger.abi import EventType
from carbonledger.ledger.contracts import contract_abi

EVENTS = sorted(
    {ev.signature: ev for name in CONTRACTS for ev in contract_abi(name).events.values()}.items()
)


def _value(typ: str, rng: random.Random) -> Any:
    if typ.startswith("uint"):
        bits = int(typ[4:] or 256)
        return rng.choice([0, 1, (1 << bits) - 1, rng.getrandbits(bits)])
    if typ.startswith("int"):
        bits = int(typ[3:] or 256)
        return rng.choice([0, -1, -(1 << (bits - 1)), (1 << (bits - 1)) - 1])
    if typ == "address":
        return "0x" + rng.randbytes(20).hex()
    if typ == "bool":
        return rng.random() < 0.5
    if typ == "string":
        return rng.choice(["", "CN-JS", "碳排放"])
    if typ == "bytes":
        return rng.randbytes(rng.randint(0, 70))
    if typ.startswith("bytes"):
        return rng.randbytes(int(typ[5:]))
    if typ.endswith("[]"):
        return [_value(typ[:-2], rng) for _ in range(rng.randint(0, 3))]
    raise AssertionError(f"no generator for {typ}")


def _log(ev: EventType, values: list[Any]) -> tuple[list[bytes], bytes]:
    topics = [ev.topic]
    plain_types, plain_values = [], []
    for typ, ix, v in zip(ev.types, ev.indexed, values, strict=True):
        if ix:
            topics.append(encode([typ], [v]))
        else:
            plain_types.append(typ)
            plain_values.append(v)
    return topics, encode(plain_types, plain_values)


@pytest.mark.parametrize(("signature", "ev"), EVENTS, ids=[s for s, _ in EVENTS])
def test_fast_decoding_equals_eth_abi(signature: str, ev: EventType) -> None:
    rng = random.Random(signature)
    if any(
        ix and not t.startswith(("uint", "int", "address", "bool", "bytes"))
        for t, ix in zip(ev.types, ev.indexed, strict=True)
    ):
        pytest.skip("an indexed dynamic value is a hash in its topic")
    for _ in range(25):
        topics, data = _log(ev, [_value(t, rng) for t in ev.types])
        assert ev.decode(topics, data) == ev.decode_general(topics, data)


def test_the_suite_has_one_word_events_and_others() -> None:
    words = [
        ev for _, ev in EVENTS if all(t.startswith(("uint", "address", "bool")) for t in ev.types)
    ]
    assert len(words) > 20 and len(words) < len(EVENTS)


def test_non_canonical_words_go_to_eth_abi() -> None:
    ev = next(ev for _, ev in EVENTS if ev.signature == "Transfer(address,address,uint256)")
    good_topics, data = _log(ev, ["0x" + "11" * 20, "0x" + "22" * 20, 5])
    # dirty high bytes in an address topic: eth-abi refuses it, so must the decoder
    dirty = [good_topics[0], b"\x01" + good_topics[1][1:], good_topics[2]]
    with pytest.raises(DecodingError):
        ev.decode(dirty, data)
    # a short data field is not decoded as words either
    with pytest.raises(DecodingError):
        ev.decode(good_topics, data[:-1])
