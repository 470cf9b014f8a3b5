"""Encryption at rest: round trips, and every way a stored secret or file can be altered."""

from __future__ import annotations

import base64
import hashlib
import io
import secrets

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonledger.platform.crypto import (
    DEFAULT_CHUNK_SIZE,
    HEADER_SIZE,
    TAG_SIZE,
    CryptoError,
    MasterKey,
    decrypt_iter,
    decrypt_stream,
    encrypt_stream,
    generate_keypair,
    new_data_key,
    unwrap_key,
    wrap_key,
)

AAD = b"org-key:42"


def flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


# -- master key ------------------------------------------------------------------------------
def test_master_key_round_trip_and_format() -> None:
    key = MasterKey.generate()
    secret = secrets.token_bytes(32)
    blob = key.seal(secret, AAD)
    assert blob[0] == 1
    assert len(blob) == 1 + 12 + len(secret) + 16
    assert secret not in blob
    assert key.open(blob, AAD) == secret
    # a fresh nonce each time: sealing twice gives different blobs
    assert key.seal(secret, AAD) != blob


@pytest.mark.parametrize("where", ["version", "nonce", "body", "tag"])
def test_master_key_detects_tampering(where: str) -> None:
    key = MasterKey.generate()
    blob = key.seal(b"chain private key", AAD)
    index = {"version": 0, "nonce": 5, "body": 14, "tag": len(blob) - 1}[where]
    with pytest.raises(CryptoError):
        key.open(flip(blob, index), AAD)


def test_master_key_refuses_wrong_key_wrong_aad_and_short_blobs() -> None:
    key = MasterKey.generate()
    blob = key.seal(b"chain private key", AAD)
    with pytest.raises(CryptoError, match="wrong master key, wrong owner"):
        MasterKey.generate().open(blob, AAD)
    with pytest.raises(CryptoError, match="wrong master key, wrong owner"):
        key.open(blob, b"org-key:43")
    with pytest.raises(CryptoError, match="too short"):
        key.open(blob[:20], AAD)


def test_master_key_from_env_accepts_standard_and_urlsafe_base64() -> None:
    raw = bytes(range(250, 256)) + secrets.token_bytes(26)  # bytes that need + and / in base64
    for text in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()):
        key = MasterKey.from_env(environ={"CARBONLEDGER_MASTER_KEY": f" {text}\n"})
        assert MasterKey(raw).open(key.seal(b"x", AAD), AAD) == b"x"
    unpadded = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    key = MasterKey.from_env("OTHER_VAR", environ={"OTHER_VAR": unpadded})
    assert MasterKey(raw).open(key.seal(b"y", AAD), AAD) == b"y"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "CARBONLEDGER_MASTER_KEY is not set"),
        ("  ", "CARBONLEDGER_MASTER_KEY is not set"),
        ("not base64 at all!", "CARBONLEDGER_MASTER_KEY is not valid base64"),
        (base64.b64encode(b"x" * 16).decode(), "decodes to 16 bytes"),
    ],
)
def test_master_key_from_env_says_what_is_wrong_and_how_to_fix(
    value: str | None, message: str
) -> None:
    environ = {} if value is None else {"CARBONLEDGER_MASTER_KEY": value}
    with pytest.raises(CryptoError, match=message) as err:
        MasterKey.from_env(environ=environ)
    assert "secrets.token_bytes(32)" in str(err.value)


def test_master_key_is_not_printed() -> None:
    raw = secrets.token_bytes(32)
    key = MasterKey(raw)
    assert raw.hex() not in repr(key)
    assert base64.b64encode(raw).decode() not in repr(key)
    with pytest.raises(CryptoError, match="32 bytes"):
        MasterKey(raw[:31])


# -- key wrapping -----------------------------------------------------------------------------
def test_wrap_and_unwrap_for_each_recipient() -> None:
    data_key = new_data_key()
    recipients = [generate_keypair() for _ in range(3)]  # owner, verifier, regulator
    wrapped = [wrap_key(data_key, public) for _, public in recipients]
    assert len(set(wrapped)) == 3
    for (private, _), blob in zip(recipients, wrapped, strict=True):
        assert len(blob) == 1 + 32 + 12 + 32 + 16
        assert unwrap_key(blob, private) == data_key
    # a recipient cannot open another's wrapping
    with pytest.raises(CryptoError, match="not wrapped for this key"):
        unwrap_key(wrapped[0], recipients[1][0])


@pytest.mark.parametrize("index", [0, 1, 20, 33, 40, 50, 92])
def test_unwrap_detects_any_flipped_byte(index: int) -> None:
    private, public = generate_keypair()
    blob = wrap_key(new_data_key(), public)
    with pytest.raises(CryptoError):
        unwrap_key(flip(blob, index), private)


def test_wrap_refuses_bad_keys() -> None:
    _, public = generate_keypair()
    with pytest.raises(CryptoError, match="data key must be 32 bytes"):
        wrap_key(b"short", public)
    with pytest.raises(CryptoError, match="recipient public key must be 32 bytes"):
        wrap_key(new_data_key(), public[:31])
    # the all-zero point has low order: agreement with it yields no secret
    with pytest.raises(CryptoError, match="not a usable X25519 key"):
        wrap_key(new_data_key(), bytes(32))
    with pytest.raises(CryptoError, match="too short"):
        unwrap_key(b"\x01" * 40, generate_keypair()[0])


def test_keypair_is_raw_x25519() -> None:
    private, public = generate_keypair()
    assert len(private) == 32
    assert len(public) == 32
    assert generate_keypair() != (private, public)


# -- files --------------------------------------------------------------------------------------
def encrypt(data: bytes, key: bytes, chunk_size: int = DEFAULT_CHUNK_SIZE) -> bytes:
    out = io.BytesIO()
    info = encrypt_stream(io.BytesIO(data), out, key, chunk_size=chunk_size)
    blob = out.getvalue()
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.size == len(data)
    assert info.ciphertext_size == len(blob)
    return blob


def decrypt(blob: bytes, key: bytes, **kwargs: str) -> bytes:
    out = io.BytesIO()
    digest = decrypt_stream(io.BytesIO(blob), out, key, **kwargs)
    assert digest == hashlib.sha256(out.getvalue()).hexdigest()
    return out.getvalue()


def test_file_round_trip_default_chunks() -> None:
    key = new_data_key()
    data = secrets.token_bytes(3 * DEFAULT_CHUNK_SIZE + 123)
    blob = encrypt(data, key)
    assert len(blob) == HEADER_SIZE + len(data) + 4 * TAG_SIZE
    assert blob[:4] == b"CLEV"
    assert decrypt(blob, key) == data
    assert b"".join(decrypt_iter(io.BytesIO(blob), key)) == data


def test_empty_file_round_trip() -> None:
    key = new_data_key()
    blob = encrypt(b"", key)
    assert len(blob) == HEADER_SIZE + TAG_SIZE
    assert decrypt(blob, key) == b""


def test_plaintext_is_not_on_disk() -> None:
    data = b"coal consumption 150000 t; lab report " * 100
    blob = encrypt(data, new_data_key(), chunk_size=256)
    assert b"coal consumption" not in blob


class ShortReads(io.RawIOBase):
    """A raw stream that returns at most 7 bytes per read, like a pipe or socket."""

    def __init__(self, data: bytes) -> None:
        self._buffer = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray) -> int:  # type: ignore[override]
        chunk = self._buffer.read(min(7, len(target)))
        target[: len(chunk)] = chunk
        return len(chunk)


def test_short_reads_are_not_mistaken_for_the_end() -> None:
    key = new_data_key()
    data = secrets.token_bytes(1000)
    out = io.BytesIO()
    encrypt_stream(ShortReads(data), out, key, chunk_size=64)
    blob = out.getvalue()
    # 1000 bytes in 64-byte chunks: 15 full and one of 40, each with its tag
    assert len(blob) == HEADER_SIZE + 1000 + 16 * TAG_SIZE
    plain = io.BytesIO()
    decrypt_stream(ShortReads(blob), plain, key)
    assert plain.getvalue() == data


# chunk size 32: header 16 bytes, then chunks of 48 (32 + tag); 100 bytes = 32+32+32+4
CHUNK = 32
SEALED = CHUNK + TAG_SIZE


@pytest.fixture
def sealed_file() -> tuple[bytes, bytes, bytes]:
    key = new_data_key()
    data = secrets.token_bytes(100)
    return key, data, encrypt(data, key, chunk_size=CHUNK)


TAMPERS = {
    "magic": lambda b: flip(b, 0),
    "version": lambda b: flip(b, 4),
    "chunk size": lambda b: flip(b, 8),
    "nonce prefix": lambda b: flip(b, 12),
    "body of first chunk": lambda b: flip(b, HEADER_SIZE + 3),
    "tag of first chunk": lambda b: flip(b, HEADER_SIZE + SEALED - 1),
    "body of last chunk": lambda b: flip(b, len(b) - TAG_SIZE - 1),
    "tag of last chunk": lambda b: flip(b, len(b) - 1),
    "truncated inside a chunk": lambda b: b[: HEADER_SIZE + SEALED + 10],
    "truncated header": lambda b: b[:10],
    "header only": lambda b: b[:HEADER_SIZE],
    "last chunk dropped": lambda b: b[: HEADER_SIZE + 3 * SEALED],
    "last two chunks dropped": lambda b: b[: HEADER_SIZE + 2 * SEALED],
    "chunks swapped": lambda b: (
        b[:HEADER_SIZE]
        + b[HEADER_SIZE + SEALED : HEADER_SIZE + 2 * SEALED]
        + b[HEADER_SIZE : HEADER_SIZE + SEALED]
        + b[HEADER_SIZE + 2 * SEALED :]
    ),
    "chunk repeated": lambda b: b[: HEADER_SIZE + SEALED] + b[HEADER_SIZE:],
    "bytes appended": lambda b: b + b"\x00" * 5,
    "chunk appended": lambda b: b + b[HEADER_SIZE : HEADER_SIZE + SEALED],
}


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_every_tamper_is_detected(name: str, sealed_file: tuple[bytes, bytes, bytes]) -> None:
    key, _, blob = sealed_file
    altered = TAMPERS[name](blob)
    assert altered != blob
    with pytest.raises(CryptoError):
        decrypt(altered, key)
    with pytest.raises(CryptoError):
        b"".join(decrypt_iter(io.BytesIO(altered), key))


def test_wrong_key_is_detected(sealed_file: tuple[bytes, bytes, bytes]) -> None:
    _, _, blob = sealed_file
    with pytest.raises(CryptoError, match="does not open at chunk 0"):
        decrypt(blob, new_data_key())


def test_swapping_chunks_between_files_with_the_same_key_is_detected() -> None:
    key = new_data_key()
    a = encrypt(secrets.token_bytes(100), key, chunk_size=CHUNK)
    b = encrypt(secrets.token_bytes(100), key, chunk_size=CHUNK)
    mixed = a[: HEADER_SIZE + SEALED] + b[HEADER_SIZE + SEALED :]
    with pytest.raises(CryptoError):
        decrypt(mixed, key)


def test_iter_releases_no_part_of_a_failed_last_chunk(
    sealed_file: tuple[bytes, bytes, bytes],
) -> None:
    key, data, blob = sealed_file
    released: list[bytes] = []
    with pytest.raises(CryptoError, match="at chunk 2"):
        for chunk in decrypt_iter(io.BytesIO(blob[: HEADER_SIZE + 3 * SEALED]), key):
            released.append(chunk)
    # the authentic chunks before the failure, and nothing of the chunk that failed
    assert b"".join(released) == data[: 2 * CHUNK]


def test_expected_digest_is_checked_before_the_last_chunk_is_released(
    sealed_file: tuple[bytes, bytes, bytes],
) -> None:
    key, data, blob = sealed_file
    good = hashlib.sha256(data).hexdigest()
    assert decrypt(blob, key, expected_sha256=good.upper()) == data
    released: list[bytes] = []
    with pytest.raises(CryptoError, match="expected"):
        for chunk in decrypt_iter(io.BytesIO(blob), key, expected_sha256="00" * 32):
            released.append(chunk)
    assert b"".join(released) == data[: 3 * CHUNK]


def test_encrypt_refuses_bad_parameters() -> None:
    with pytest.raises(CryptoError, match="data key must be 32 bytes"):
        encrypt_stream(io.BytesIO(b"x"), io.BytesIO(), b"k" * 16)
    with pytest.raises(CryptoError, match="chunk size"):
        encrypt_stream(io.BytesIO(b"x"), io.BytesIO(), new_data_key(), chunk_size=0)


@settings(max_examples=60, deadline=None)
@given(
    chunk_size=st.integers(min_value=1, max_value=64),
    chunks=st.integers(min_value=0, max_value=4),
    offset=st.integers(min_value=-1, max_value=1),
    seed=st.binary(min_size=1, max_size=1),
)
def test_round_trip_at_chunk_boundaries(
    chunk_size: int, chunks: int, offset: int, seed: bytes
) -> None:
    size = max(0, chunks * chunk_size + offset)
    data = (seed * size)[:size]
    key = new_data_key()
    blob = encrypt(data, key, chunk_size=chunk_size)
    full, rest = divmod(size, chunk_size)
    sealed_chunks = full + (1 if rest or not full else 0)
    assert len(blob) == HEADER_SIZE + size + sealed_chunks * TAG_SIZE
    assert decrypt(blob, key) == data
    assert b"".join(decrypt_iter(io.BytesIO(blob), key)) == data
    # dropping the last chunk is detected at every size that has more than one chunk
    if sealed_chunks > 1:
        last = size - full * chunk_size if rest else chunk_size
        with pytest.raises(CryptoError):
            decrypt(blob[: len(blob) - last - TAG_SIZE], key)
