"""Encode calls and decode results and events from a contract's JSON ABI (eth-abi)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import decode, encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)


def abi_type(param: dict[str, Any]) -> str:
    """The canonical type string of an ABI parameter; tuples expanded."""
    typ: str = param["type"]
    if typ.startswith("tuple"):
        inner = ",".join(abi_type(c) for c in param["components"])
        return f"({inner}){typ[len('tuple') :]}"
    return typ


@functools.lru_cache(maxsize=1 << 16)
def checksum(address: str) -> str:
    """EIP-55 form of an address, remembered: a checksum costs a keccak, and the same few
    accounts and contracts appear in every event decoded."""
    return to_checksum_address(address)


def _normalise(value: Any, typ: str) -> Any:
    """Checksum addresses, also inside tuples and arrays (typ is a canonical type)."""
    if typ == "address" and isinstance(value, str):
        return checksum(value)
    if typ.endswith("]"):
        inner = typ[: typ.rindex("[")]
        return [_normalise(v, inner) for v in value]
    if typ.startswith("("):
        return tuple(_normalise(v, t) for v, t in zip(value, _split(typ[1:-1]), strict=True))
    return value


def _split(types: str) -> list[str]:
    """Split a comma-separated type list at the top nesting level."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(types):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(types[start:i])
            start = i + 1
    if types:
        out.append(types[start:])
    return out


@dataclass(frozen=True)
class Function:
    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    selector: bytes
    mutates: bool

    def encode(self, args: Sequence[Any]) -> bytes:
        if len(args) != len(self.inputs):
            raise TypeError(f"{self.name} takes {len(self.inputs)} arguments, got {len(args)}")
        return self.selector + encode(list(self.inputs), list(args))

    def decode(self, data: bytes) -> Any:
        values = decode(list(self.outputs), data)
        values = tuple(_normalise(v, t) for v, t in zip(values, self.outputs, strict=True))
        if len(values) == 1:
            return values[0]
        return values


@dataclass(frozen=True)
class EventType:
    name: str
    signature: str
    topic: bytes
    names: tuple[str, ...]
    types: tuple[str, ...]
    indexed: tuple[bool, ...]

    def decode(self, topics: Sequence[bytes], data: bytes) -> dict[str, Any]:
        fast = _decode_words(self, topics, data)
        if fast is not None:
            return fast
        return self.decode_general(topics, data)

    def decode_general(self, topics: Sequence[bytes], data: bytes) -> dict[str, Any]:
        """Any event, through eth-abi (the reference the fast path is tested against)."""
        plain = [t for t, ix in zip(self.types, self.indexed, strict=True) if not ix]
        plain_values = iter(decode(plain, data))
        indexed_topics = iter(topics[1:])
        args: dict[str, Any] = {}
        for name, typ, ix in zip(self.names, self.types, self.indexed, strict=True):
            if ix:
                (value,) = decode([typ], next(indexed_topics))
            else:
                value = next(plain_values)
            args[name] = _normalise(value, typ)
        return args


def _word_value(typ: str, word: bytes) -> Any:
    """One 32-byte word of a static elementary type, decoded as eth-abi decodes it, or
    :data:`_SLOW` when the word is not in canonical form (eth-abi then raises its own
    error) or the type is not one handled here."""
    if typ.startswith("uint"):
        value = int.from_bytes(word, "big")
        return value if value < 1 << int(typ[4:] or 256) else _SLOW
    if typ == "address":
        return checksum("0x" + word[12:].hex()) if not any(word[:12]) else _SLOW
    if typ == "bool":
        return bool(word[31]) if not any(word[:31]) and word[31] < 2 else _SLOW
    if typ.startswith("bytes") and typ[5:].isdigit():
        n = int(typ[5:])
        return word[:n] if not any(word[n:]) else _SLOW
    if typ.startswith("int"):
        bits = int(typ[3:] or 256)
        value = int.from_bytes(word, "big", signed=True)
        return value if -(1 << (bits - 1)) <= value < 1 << (bits - 1) else _SLOW
    return _SLOW


_SLOW = object()
_WORD_TYPES = ("uint", "int", "address", "bool", "bytes")


def _decode_words(ev: EventType, topics: Sequence[bytes], data: bytes) -> dict[str, Any] | None:
    """Decode an event whose fields are all one word each (most of the suite's events)
    without eth-abi's general machinery, which costs tens of microseconds a call; None
    when the event or a value needs the general decoder."""
    plain = sum(1 for ix in ev.indexed if not ix)
    if len(data) != 32 * plain or len(topics) != 1 + len(ev.indexed) - plain:
        return None
    args: dict[str, Any] = {}
    t = 1
    d = 0
    for name, typ, ix in zip(ev.names, ev.types, ev.indexed, strict=True):
        if typ == "bytes" or typ.endswith("]") or not typ.startswith(_WORD_TYPES):
            return None
        if ix:
            word = topics[t]
            t += 1
        else:
            word = data[d : d + 32]
            d += 32
        if len(word) != 32:
            return None
        value = _word_value(typ, word)
        if value is _SLOW:
            return None
        args[name] = value
    return args


@dataclass(frozen=True)
class Event:
    """A decoded log."""

    name: str
    args: dict[str, Any]
    address: str
    block_number: int
    tx_hash: str
    log_index: int


@dataclass
class ContractAbi:
    functions: dict[str, Function] = field(default_factory=dict)
    events: dict[bytes, EventType] = field(default_factory=dict)
    constructor_inputs: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, abi: Iterable[dict[str, Any]]) -> ContractAbi:
        out = cls()
        for item in abi:
            kind = item.get("type")
            if kind == "function":
                inputs = tuple(abi_type(p) for p in item["inputs"])
                sig = f"{item['name']}({','.join(inputs)})"
                out.functions[item["name"]] = Function(
                    name=item["name"],
                    inputs=inputs,
                    outputs=tuple(abi_type(p) for p in item["outputs"]),
                    selector=keccak(text=sig)[:4],
                    mutates=item["stateMutability"] not in ("view", "pure"),
                )
            elif kind == "event":
                types = tuple(abi_type(p) for p in item["inputs"])
                sig = f"{item['name']}({','.join(types)})"
                out.events[keccak(text=sig)] = EventType(
                    name=item["name"],
                    signature=sig,
                    topic=keccak(text=sig),
                    names=tuple(p["name"] for p in item["inputs"]),
                    types=types,
                    indexed=tuple(bool(p["indexed"]) for p in item["inputs"]),
                )
            elif kind == "constructor":
                out.constructor_inputs = tuple(abi_type(p) for p in item["inputs"])
        return out

    def event_by_name(self, name: str) -> EventType:
        for ev in self.events.values():
            if ev.name == name:
                return ev
        raise KeyError(name)


def decode_revert(data: bytes) -> str | None:
    """The reason string of an ``Error(string)`` revert payload, if it is one."""
    if data[:4] == ERROR_SELECTOR:
        (reason,) = decode(["string"], data[4:])
        return str(reason)
    return None


def hex_bytes(value: str) -> bytes:
    return bytes.fromhex(value.removeprefix("0x"))
