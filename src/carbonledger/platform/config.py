"""Settings of the platform service, read from the environment (``CARBONLEDGER_*``).

Every setting has an embedded default except the secrets: the master key (which protects
the organisations' chain and encryption keys at rest) and the JWT secret must come from
the environment in production; ``carbonledger serve --dev`` and ``make run`` create them
once in the data directory.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "CARBONLEDGER_"


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names it and says how to fix it."""


def _b64_secret(name: str, value: str, length: int) -> bytes:
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=False)
    except ValueError:
        raw = b""
    if len(raw) != length:
        raise ConfigError(
            f"{ENV_PREFIX}{name} must be {length} random bytes in base64 "
            f'(got {len(raw)} bytes); make one with: python -c "import secrets,base64;'
            f'print(base64.b64encode(secrets.token_bytes({length})).decode())"'
        )
    return raw


def new_secret(length: int = 32) -> str:
    return base64.b64encode(secrets.token_bytes(length)).decode()


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///var/platform/platform.db"
    data_dir: Path = Path("var/platform")
    #: the chain's JSON-RPC endpoint; None runs the API without a chain (reads only)
    rpc_url: str | None = None
    #: the contract suite's address book (written by ``contracts deploy`` / ``run``)
    addresses_file: Path | None = None
    #: the platform operator's chain key: the registry ADMIN (and chain allowlist admin)
    operator_key: str | None = None
    master_key: bytes = field(default=b"", repr=False)
    jwt_secret: bytes = field(default=b"", repr=False)
    access_token_seconds: int = 15 * 60
    refresh_token_seconds: int = 7 * 24 * 3600
    #: the first admin account, created at start-up when no admin exists
    admin_username: str = "admin"
    admin_password: str | None = field(default=None, repr=False)
    #: seconds between background indexer polls (0 disables the follower thread)
    index_interval: float = 1.0
    #: seconds between the market settler's rounds (it is also woken by every match);
    #: 0 runs no settler thread (trades wait for the next start: tests, maintenance)
    market_settle_interval: float = 0.2
    #: the largest evidence file accepted
    max_upload_bytes: int = 64 * 1024 * 1024
    cors_origins: tuple[str, ...] = ()
    #: every chain node's JSON-RPC URL, for the admin's node status (default: rpc_url)
    node_urls: tuple[str, ...] = ()
    #: the web UI's production build served at / (None: the source tree's web/dist)
    web_dist: Path | None = None
    #: a reviewed standard map of China by province (GeoJSON FeatureCollection) to draw
    #: the regulator's overview on; None: the overview shows a grid of province tiles
    china_map: Path | None = None
    #: the map's review number (审图号) and source, shown under it; required with a map
    china_map_attribution: str = ""

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, /, **overrides: Any) -> Settings:
        env = dict(os.environ if env is None else env)

        def get(name: str) -> str | None:
            value = env.get(ENV_PREFIX + name)
            return value if value not in (None, "") else None

        values: dict[str, object] = {}
        if (url := get("DATABASE_URL")) is not None:
            values["database_url"] = url
        if (data := get("DATA_DIR")) is not None:
            values["data_dir"] = Path(data)
        if (rpc := get("RPC_URL")) is not None:
            values["rpc_url"] = rpc
        if (book := get("ADDRESSES")) is not None:
            values["addresses_file"] = Path(book)
        if (key := get("OPERATOR_KEY")) is not None:
            values["operator_key"] = key
        if (master := get("MASTER_KEY")) is not None:
            values["master_key"] = _b64_secret("MASTER_KEY", master, 32)
        if (jwt := get("JWT_SECRET")) is not None:
            values["jwt_secret"] = _b64_secret("JWT_SECRET", jwt, 32)
        if (user := get("ADMIN_USERNAME")) is not None:
            values["admin_username"] = user
        if (password := get("ADMIN_PASSWORD")) is not None:
            values["admin_password"] = password
        for name, attr in (
            ("ACCESS_TOKEN_SECONDS", "access_token_seconds"),
            ("REFRESH_TOKEN_SECONDS", "refresh_token_seconds"),
            ("MAX_UPLOAD_BYTES", "max_upload_bytes"),
        ):
            if (raw := get(name)) is not None:
                try:
                    values[attr] = int(raw)
                except ValueError:
                    raise ConfigError(
                        f"{ENV_PREFIX}{name} must be a whole number, not {raw!r}"
                    ) from None
        if (raw := get("INDEX_INTERVAL")) is not None:
            try:
                values["index_interval"] = float(raw)
            except ValueError:
                raise ConfigError(
                    f"{ENV_PREFIX}INDEX_INTERVAL must be seconds, not {raw!r}"
                ) from None
        if (nodes := get("NODE_URLS")) is not None:
            values["node_urls"] = tuple(u.strip() for u in nodes.split(",") if u.strip())
        if (raw := get("MARKET_SETTLE_INTERVAL")) is not None:
            try:
                values["market_settle_interval"] = float(raw)
            except ValueError:
                raise ConfigError(
                    f"{ENV_PREFIX}MARKET_SETTLE_INTERVAL must be seconds, not {raw!r}"
                ) from None
        if (web := get("WEB_DIST")) is not None:
            values["web_dist"] = Path(web)
        if (china := get("CHINA_MAP")) is not None:
            values["china_map"] = Path(china)
        if (credit := get("CHINA_MAP_ATTRIBUTION")) is not None:
            values["china_map_attribution"] = credit
        if (origins := get("CORS_ORIGINS")) is not None:
            values["cors_origins"] = tuple(o.strip() for o in origins.split(",") if o.strip())
        values.update(overrides)
        return replace(cls(), **values)  # type: ignore[arg-type]

    def require_secrets(self) -> None:
        if len(self.master_key) != 32:
            raise ConfigError(
                f"{ENV_PREFIX}MASTER_KEY is not set: it encrypts organisations' keys at rest. "
                "Set it to 32 random bytes in base64, or start with --dev to create one."
            )
        if len(self.jwt_secret) != 32:
            raise ConfigError(
                f"{ENV_PREFIX}JWT_SECRET is not set: it signs login tokens. "
                "Set it to 32 random bytes in base64, or start with --dev to create one."
            )


def dev_secrets(data_dir: Path) -> dict[str, bytes]:
    """Secrets for development, created once in ``data_dir/secrets.env`` (mode 0600)."""
    path = data_dir / "secrets.env"
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(
            f"{ENV_PREFIX}MASTER_KEY={new_secret()}\n{ENV_PREFIX}JWT_SECRET={new_secret()}\n"
        )
    found: dict[str, str] = {}
    for line in path.read_text().splitlines():
        name, _, value = line.partition("=")
        found[name.strip()] = value.strip()
    return {
        "master_key": _b64_secret("MASTER_KEY", found.get(ENV_PREFIX + "MASTER_KEY", ""), 32),
        "jwt_secret": _b64_secret("JWT_SECRET", found.get(ENV_PREFIX + "JWT_SECRET", ""), 32),
    }
