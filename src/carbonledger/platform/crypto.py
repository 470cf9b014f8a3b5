"""Encryption at rest: the master key, organisation key pairs, key wrapping, evidence files.

Three layers, all AES-256-GCM (``cryptography``'s OpenSSL binding; nothing hand-rolled
below the AEAD):

* :class:`MasterKey` seals small secrets the platform keeps for organisations (their chain
  private keys, their X25519 encryption private keys). Sealed blob::

      version (1 byte, 0x01) | nonce (12 random bytes) | ciphertext + tag (16 bytes)

  The caller's associated data (``b"org-key:" + org id``) and the version byte are
  authenticated, so a sealed key copied to another organisation's row does not open.

* Key wrapping (ECIES over X25519): a file's data key is wrapped for each reader (owner,
  verifier, regulator) with :func:`wrap_key`; see that function for the exact format.

* Evidence files: :func:`encrypt_stream` / :func:`decrypt_stream` / :func:`decrypt_iter`,
  chunked AES-256-GCM in the STREAM construction (Hoang, Reyhanitabar, Rogaway and Vizár,
  "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", CRYPTO 2015; the
  same construction as Tink's streaming AEAD and age). A file never sits in memory whole.

The byte formats are specified for outsiders in ``docs/platform/evidence.md``.
Every failure to open — wrong key, wrong associated data, any flipped, dropped, swapped or
appended byte — raises :class:`CryptoError`; no plaintext of a failed chunk is released.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Generator, Iterator, Mapping
from typing import BinaryIO, NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "KEY_SIZE",
    "MASTER_KEY_VAR",
    "CryptoError",
    "EncryptedFile",
    "MasterKey",
    "decrypt_iter",
    "decrypt_stream",
    "encrypt_stream",
    "generate_keypair",
    "new_data_key",
    "unwrap_key",
    "wrap_key",
]

KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
MASTER_KEY_VAR = "CARBONLEDGER_MASTER_KEY"
MAKE_KEY_COMMAND = (
    'python -c "import secrets,base64;print(base64.b64encode(secrets.token_bytes(32)).decode())"'
)

#: version byte of sealed secrets and wrapped keys
_SEALED_V1 = 1
_WRAPPED_V1 = 1
#: HKDF info of key wrapping; a new scheme gets a new string (and version byte)
WRAP_INFO = b"carbonledger/evidence-key-wrap/v1"

#: evidence file header: magic, version, chunk size, nonce prefix
FILE_MAGIC = b"CLEV"
_FILE_V1 = 1
_PREFIX_SIZE = 7
HEADER_SIZE = len(FILE_MAGIC) + 1 + 4 + _PREFIX_SIZE  # 16
DEFAULT_CHUNK_SIZE = 64 * 1024
#: bounds a header may declare; the header is authenticated only with the first chunk, so a
#: forged chunk size must not make the reader allocate gigabytes before the tag check fails
MIN_CHUNK_SIZE = 1
MAX_CHUNK_SIZE = 16 * 1024 * 1024
_MAX_CHUNKS = 2**32  # the counter is 4 bytes


class CryptoError(Exception):
    """Something could not be encrypted or opened; the message says what, never a secret."""


class EncryptedFile(NamedTuple):
    """What :func:`encrypt_stream` learnt about the file it encrypted."""

    #: SHA-256 of the plaintext, lower-case hex (the digest that goes into the Merkle tree)
    sha256: str
    #: plaintext size [bytes]
    size: int
    #: encrypted size including the header and every tag [bytes]
    ciphertext_size: int


def _check_key(key: bytes, what: str) -> None:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_SIZE:
        got = len(key) if isinstance(key, bytes | bytearray) else type(key).__name__
        raise CryptoError(f"{what} must be {KEY_SIZE} bytes, got {got}")


def _decode_base64(text: str) -> bytes:
    """Standard or URL-safe base64, padding optional; anything else is refused."""
    cleaned = "".join(text.split()).replace("-", "+").replace("_", "/").rstrip("=")
    cleaned += "=" * (-len(cleaned) % 4)
    return base64.b64decode(cleaned, validate=True)


# -- the master key ------------------------------------------------------------------------
class MasterKey:
    """The platform's key-encryption key: 32 bytes from the environment.

    Seals the organisations' private keys at rest. The key never appears in ``repr``.
    """

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        _check_key(key, "the master key")
        self._aead = AESGCM(bytes(key))

    @classmethod
    def generate(cls) -> MasterKey:
        return cls(secrets.token_bytes(KEY_SIZE))

    @classmethod
    def from_env(
        cls, var: str = MASTER_KEY_VAR, environ: Mapping[str, str] | None = None
    ) -> MasterKey:
        """Read the key from environment variable ``var`` (base64, standard or URL-safe).

        ``environ`` defaults to :data:`os.environ`.
        """
        env = os.environ if environ is None else environ
        how = f"make one with: {MAKE_KEY_COMMAND}"
        raw = env.get(var, "")
        if not raw.strip():
            raise CryptoError(f"{var} is not set; it must hold a 32-byte key in base64; {how}")
        try:
            key = _decode_base64(raw)
        except (binascii.Error, ValueError):
            raise CryptoError(f"{var} is not valid base64; {how}") from None
        if len(key) != KEY_SIZE:
            raise CryptoError(
                f"{var} decodes to {len(key)} bytes, a master key has {KEY_SIZE}; {how}"
            )
        return cls(key)

    def __repr__(self) -> str:
        return "MasterKey(<hidden>)"

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        """Encrypt a small secret; ``aad`` says what and whose it is (authenticated, not stored)."""
        header = bytes([_SEALED_V1])
        nonce = secrets.token_bytes(NONCE_SIZE)
        return header + nonce + self._aead.encrypt(nonce, bytes(plaintext), header + aad)

    def open(self, blob: bytes, aad: bytes) -> bytes:
        """Decrypt what :meth:`seal` made with the same ``aad``; :class:`CryptoError` otherwise."""
        if len(blob) < 1 + NONCE_SIZE + TAG_SIZE:
            raise CryptoError(f"sealed secret is too short ({len(blob)} bytes)")
        if blob[0] != _SEALED_V1:
            raise CryptoError(f"sealed secret has unknown format version {blob[0]}")
        nonce = blob[1 : 1 + NONCE_SIZE]
        try:
            return self._aead.decrypt(nonce, blob[1 + NONCE_SIZE :], blob[:1] + aad)
        except InvalidTag:
            raise CryptoError(
                "sealed secret does not open: wrong master key, wrong owner, or altered"
            ) from None


# -- organisation key pairs and key wrapping ------------------------------------------------
def generate_keypair() -> tuple[bytes, bytes]:
    """A new X25519 key pair as raw 32-byte strings: ``(private, public)``."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def _public_of(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes_raw()


def _wrap_kek(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_SIZE,
        salt=ephemeral_public + recipient_public,
        info=WRAP_INFO,
    ).derive(shared)


def wrap_key(data_key: bytes, recipient_public: bytes) -> bytes:
    """Encrypt ``data_key`` so that only the holder of ``recipient_public``'s private key can.

    ECIES: a fresh ephemeral X25519 key agrees a secret with the recipient; HKDF-SHA256
    (salt = ephemeral public ‖ recipient public, info = :data:`WRAP_INFO`) turns it into
    an AES-256-GCM key. Output (93 bytes for a 32-byte data key)::

        version (0x01) | ephemeral public (32) | nonce (12) | ciphertext + tag (len + 16)

    The version byte and the ephemeral public key are authenticated as associated data.
    """
    _check_key(data_key, "the data key")
    try:
        recipient = X25519PublicKey.from_public_bytes(bytes(recipient_public))
    except ValueError:
        raise CryptoError("the recipient public key must be 32 bytes (raw X25519)") from None
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _public_of(ephemeral)
    try:
        shared = ephemeral.exchange(recipient)
    except ValueError:
        # a low-order point gives an all-zero secret; such a key is not a real recipient
        raise CryptoError("the recipient public key is not a usable X25519 key") from None
    kek = _wrap_kek(shared, ephemeral_public, bytes(recipient_public))
    header = bytes([_WRAPPED_V1]) + ephemeral_public
    nonce = secrets.token_bytes(NONCE_SIZE)
    return header + nonce + AESGCM(kek).encrypt(nonce, bytes(data_key), header)


def unwrap_key(wrapped: bytes, recipient_private: bytes) -> bytes:
    """The data key :func:`wrap_key` wrapped for this private key; :class:`CryptoError` else."""
    head = 1 + KEY_SIZE
    if len(wrapped) < head + NONCE_SIZE + TAG_SIZE:
        raise CryptoError(f"wrapped key is too short ({len(wrapped)} bytes)")
    if wrapped[0] != _WRAPPED_V1:
        raise CryptoError(f"wrapped key has unknown format version {wrapped[0]}")
    try:
        private = X25519PrivateKey.from_private_bytes(bytes(recipient_private))
    except ValueError:
        raise CryptoError("the private key must be 32 bytes (raw X25519)") from None
    ephemeral_public = bytes(wrapped[1:head])
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError:
        raise CryptoError("wrapped key does not open: altered ephemeral key") from None
    kek = _wrap_kek(shared, ephemeral_public, _public_of(private))
    nonce = wrapped[head : head + NONCE_SIZE]
    try:
        return AESGCM(kek).decrypt(nonce, wrapped[head + NONCE_SIZE :], wrapped[:head])
    except InvalidTag:
        raise CryptoError(
            "wrapped key does not open: not wrapped for this key, or altered"
        ) from None


# -- evidence files -------------------------------------------------------------------------
def new_data_key() -> bytes:
    """A fresh random AES-256 key for one file."""
    return secrets.token_bytes(KEY_SIZE)


def _chunk_nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    # STREAM: nonce = prefix (7) | chunk counter (4, big-endian) | last-chunk flag (1)
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _read_exact(src: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes; fewer only at end of stream (raw streams may return short reads)."""
    data = src.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    got = len(data)
    while got < size:
        more = src.read(size - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def encrypt_stream(
    src: BinaryIO, dst: BinaryIO, data_key: bytes, *, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> EncryptedFile:
    """Encrypt ``src`` into ``dst`` chunk by chunk, hashing the plaintext on the way.

    Layout::

        header:  "CLEV" | version 0x01 | chunk size (4, big-endian) | nonce prefix (7 random)
        chunks:  AES-256-GCM(data_key, nonce_i, plaintext_i, aad = header) = ciphertext_i | tag_i
        nonce_i: nonce prefix | i (4, big-endian) | 0x01 if chunk i is the last else 0x00

    Every chunk but the last holds exactly ``chunk_size`` plaintext bytes; the last holds
    0..``chunk_size`` (an empty file is one empty last chunk). The counter stops reordering
    and swapping, the last-chunk flag stops truncation and appending, the header in the
    associated data stops header edits.
    """
    _check_key(data_key, "the data key")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise CryptoError(f"chunk size must be {MIN_CHUNK_SIZE}..{MAX_CHUNK_SIZE} bytes")
    aead = AESGCM(bytes(data_key))
    prefix = secrets.token_bytes(_PREFIX_SIZE)
    header = FILE_MAGIC + bytes([_FILE_V1]) + chunk_size.to_bytes(4, "big") + prefix
    dst.write(header)
    digest = hashlib.sha256()
    size = 0
    written = len(header)
    counter = 0
    # one chunk of read-ahead: a chunk is the last one when nothing follows it
    chunk = _read_exact(src, chunk_size)
    while True:
        following = _read_exact(src, chunk_size) if len(chunk) == chunk_size else b""
        last = not following
        if counter >= _MAX_CHUNKS:
            raise CryptoError("file too large for this chunk size")
        digest.update(chunk)
        size += len(chunk)
        sealed = aead.encrypt(_chunk_nonce(prefix, counter, last), chunk, header)
        dst.write(sealed)
        written += len(sealed)
        if last:
            break
        chunk = following
        counter += 1
    return EncryptedFile(digest.hexdigest(), size, written)


def decrypt_iter(
    src: BinaryIO, data_key: bytes, *, expected_sha256: str | None = None
) -> Iterator[bytes]:
    """Yield the plaintext of an encrypted file chunk by chunk, each after its tag is checked.

    For streaming downloads. Every yielded chunk is authentic and in its place, and the
    last chunk (which proves the file is complete) is yielded only after its tag — and,
    when ``expected_sha256`` is given, the whole file's SHA-256 — has been checked; any
    failure raises :class:`CryptoError` instead.

    Trade-off: authentication is per chunk, so when a stored file was truncated or has a
    bad chunk in the middle, the chunks before it have already been yielded when the error
    is raised. An HTTP response has then sent its status line, so the server can only
    abort the connection; clients must treat a transfer as valid only when it completes
    (and may re-check the SHA-256 against the on-chain digest). A consumer that cannot
    accept that must decrypt to a temporary file with :func:`decrypt_stream` first.
    """
    yield from _open_chunks(src, data_key, expected_sha256)


def _open_chunks(
    src: BinaryIO, data_key: bytes, expected_sha256: str | None
) -> Generator[bytes, None, str]:
    """Yield checked plaintext chunks; return the plaintext's SHA-256 (hex)."""
    _check_key(data_key, "the data key")
    header = _read_exact(src, HEADER_SIZE)
    if len(header) < HEADER_SIZE or header[: len(FILE_MAGIC)] != FILE_MAGIC:
        raise CryptoError("not an encrypted evidence file (bad header)")
    if header[len(FILE_MAGIC)] != _FILE_V1:
        raise CryptoError(
            f"encrypted evidence file has unknown format version {header[len(FILE_MAGIC)]}"
        )
    chunk_size = int.from_bytes(header[5:9], "big")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise CryptoError("encrypted evidence file is damaged (impossible chunk size)")
    prefix = header[9:HEADER_SIZE]
    aead = AESGCM(bytes(data_key))
    digest = hashlib.sha256()
    sealed_size = chunk_size + TAG_SIZE
    counter = 0
    sealed = _read_exact(src, sealed_size)
    if len(sealed) < TAG_SIZE:
        raise CryptoError("encrypted evidence file is truncated (no complete chunk)")
    while True:
        following = _read_exact(src, sealed_size) if len(sealed) == sealed_size else b""
        last = not following
        try:
            plain = aead.decrypt(_chunk_nonce(prefix, counter, last), sealed, header)
        except InvalidTag:
            raise CryptoError(
                f"encrypted evidence file does not open at chunk {counter}: wrong key, or "
                "the file was altered, truncated or extended"
            ) from None
        digest.update(plain)
        if last:
            hexdigest = digest.hexdigest()
            if expected_sha256 is not None and hexdigest != expected_sha256.lower():
                raise CryptoError(
                    f"decrypted file has SHA-256 {hexdigest}, expected {expected_sha256}"
                )
            yield plain
            return hexdigest
        yield plain
        if counter + 1 >= _MAX_CHUNKS:
            raise CryptoError("encrypted evidence file has too many chunks")
        sealed = following
        counter += 1


def decrypt_stream(
    src: BinaryIO, dst: BinaryIO, data_key: bytes, *, expected_sha256: str | None = None
) -> str:
    """Decrypt ``src`` into ``dst``; return the plaintext's SHA-256 (hex).

    On :class:`CryptoError` ``dst`` may hold the authentic chunks before the failure;
    the caller discards it (write to a temporary file and rename on success).
    """
    chunks = _open_chunks(src, data_key, expected_sha256)
    while True:
        try:
            plain = next(chunks)
        except StopIteration as done:
            hexdigest: str = done.value
            return hexdigest
        dst.write(plain)
