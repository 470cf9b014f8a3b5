from __future__ import annotations

from typing import Any

import pytest
import rlp
from hypothesis import given
from hypothesis import strategies as st

from carbonledger.chain import codec

items = st.recursive(
    st.binary(max_size=300), lambda children: st.lists(children, max_size=6), max_leaves=30
)


@given(items)
def test_encoding_and_decoding_agree_with_pyrlp(item: Any) -> None:
    encoded = rlp.encode(item)
    assert codec.encode(item) == encoded
    assert codec.decode(encoded) == rlp.decode(encoded)


@given(st.integers(min_value=0, max_value=2**256))
def test_integers_encode_like_pyrlp(value: int) -> None:
    assert codec.encode(value) == rlp.encode(value)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff",
        b"\xb9\x01",
        b"\x81\x05",
        b"\xb8\x05abcde",
        b"\xc2\x01",
        b"\x01\x02",
        b"\xb9\x00\x40" + b"x" * 64,
    ],
)
def test_malformed_rlp_is_refused(data: bytes) -> None:
    with pytest.raises(codec.DecodingError):
        codec.decode(data)
