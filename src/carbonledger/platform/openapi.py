"""Write the API's OpenAPI document without running a server: the web UI's client is
generated from it (``make web-client``) and ``make test`` checks the committed copy."""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path
from typing import Any


def document() -> dict[str, Any]:
    from carbonledger.platform.app import Platform, create_app
    from carbonledger.platform.config import Settings

    # throwaway secrets and an in-memory database: the schema depends on neither
    settings = Settings(
        database_url="sqlite://",
        master_key=secrets.token_bytes(32),
        jwt_secret=secrets.token_bytes(32),
    )
    return create_app(Platform(settings), start=False).openapi()


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
