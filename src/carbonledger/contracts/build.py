"""Compile the Vyper sources reproducibly and read the committed artefacts.

An artefact records the hash of the sources it was built from; compiling is cached on
that hash (in a user cache directory), so repeated builds and test runs are cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOURCE_DIR = Path(__file__).parent
ARTIFACT_DIR = SOURCE_DIR / "artifacts"
VYPER_VERSION = "0.4.3"

# deployable contracts in deploy order; roles.vy is a module they import
CONTRACTS: tuple[str, ...] = (
    "access_registry",
    "carbon_coin",
    "allowances",
    "offsets",
    "emission_reports",
    "compliance",
    "settlement",
)


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict[str, Any]]
    bytecode: bytes
    source_sha256: str

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "contract": self.name,
                    "compiler": f"vyper {VYPER_VERSION}",
                    "source_sha256": self.source_sha256,
                    "abi": self.abi,
                    "bytecode": "0x" + self.bytecode.hex(),
                },
                indent=1,
                sort_keys=True,
            )
            + "\n"
        )

    @classmethod
    def from_json(cls, text: str) -> Artifact:
        data = json.loads(text)
        return cls(
            name=data["contract"],
            abi=data["abi"],
            bytecode=bytes.fromhex(data["bytecode"].removeprefix("0x")),
            source_sha256=data["source_sha256"],
        )


def source_hash(source_dir: Path = SOURCE_DIR) -> str:
    """SHA-256 over every ``.vy`` file (name and content) and the compiler version."""
    digest = hashlib.sha256(f"vyper {VYPER_VERSION}\n".encode())
    for path in sorted(source_dir.glob("*.vy")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "carbonledger" / "vyper"


def compile_contract(name: str, source_dir: Path = SOURCE_DIR) -> Artifact:
    """Compile one contract with the pinned Vyper, in process."""
    import vyper
    from vyper.compiler.input_bundle import FilesystemInputBundle

    if vyper.__version__ != VYPER_VERSION:
        raise RuntimeError(f"vyper {VYPER_VERSION} is pinned, found {vyper.__version__}")
    path = source_dir / f"{name}.vy"
    out = vyper.compile_code(
        path.read_text(),
        contract_path=path.name,
        input_bundle=FilesystemInputBundle([source_dir]),
        output_formats=["abi", "bytecode"],
    )
    return Artifact(
        name=name,
        abi=out["abi"],
        bytecode=bytes.fromhex(out["bytecode"].removeprefix("0x")),
        source_sha256=source_hash(source_dir),
    )


def compile_suite(source_dir: Path = SOURCE_DIR, use_cache: bool = True) -> dict[str, Artifact]:
    """Compile every contract, reusing a cached build of the same source hash."""
    sha = source_hash(source_dir)
    cache = _cache_dir() / sha
    if use_cache and all((cache / f"{n}.json").exists() for n in CONTRACTS):
        return {n: Artifact.from_json((cache / f"{n}.json").read_text()) for n in CONTRACTS}
    suite = {n: compile_contract(n, source_dir) for n in CONTRACTS}
    if use_cache:
        cache.mkdir(parents=True, exist_ok=True)
        for name, art in suite.items():
            # written aside and renamed: another process may be reading the cache
            part = cache / f"{name}.json.{os.getpid()}"
            part.write_text(art.to_json())
            os.replace(part, cache / f"{name}.json")
    return suite


def write_artifacts(out_dir: Path = ARTIFACT_DIR) -> list[Path]:
    """Rebuild the committed artefacts (``make contracts``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, art in compile_suite(use_cache=False).items():
        path = out_dir / f"{name}.json"
        path.write_text(art.to_json())
        written.append(path)
    return written


def load_artifact(name: str) -> Artifact:
    return Artifact.from_json((ARTIFACT_DIR / f"{name}.json").read_text())


def load_suite() -> dict[str, Artifact]:
    return {n: load_artifact(n) for n in CONTRACTS}


def main() -> None:
    for path in write_artifacts():
        print(path.relative_to(SOURCE_DIR.parents[2]))
