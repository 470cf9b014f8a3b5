"""Run Foundry's anvil, the reference EVM node for contract tests and the chain benchmark.

anvil comes from the npm package ``@foundry-rs/anvil`` pinned in ``tools/anvil/package.json``
(the package ships the Linux binary; no post-install download is needed). It is installed
on first use with ``npm ci`` into ``tools/anvil/node_modules``.

Behaviour measured here (see shared stack measurements): automine stalls under burst load,
so benchmarks should use ``--no-mining`` with ``evm_mine`` or ``--block-time``; and anvil's
state cache grows without bound unless ``--cache-path`` points somewhere disposable.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

TOOLS_DIR = Path(os.environ.get("CARBONLEDGER_TOOLS_DIR", Path(__file__).parents[3] / "tools"))
ANVIL_DIR = TOOLS_DIR / "anvil"

_PLATFORM_PACKAGES = {
    ("Linux", "x86_64"): "anvil-linux-amd64",
    ("Linux", "aarch64"): "anvil-linux-arm64",
    ("Darwin", "arm64"): "anvil-darwin-arm64",
    ("Darwin", "x86_64"): "anvil-darwin-amd64",
}


class AnvilError(RuntimeError):
    """anvil could not be installed or started."""


def binary_path() -> Path:
    key = (platform.system(), platform.machine())
    try:
        package = _PLATFORM_PACKAGES[key]
    except KeyError:
        raise AnvilError(f"anvil has no npm build for {key[0]} {key[1]}") from None
    return ANVIL_DIR / "node_modules" / "@foundry-rs" / package / "bin" / "anvil"


#: written into node_modules once an install has finished (npm ci removes node_modules
#: first, so a half-done install never shows it); holds the lock file's digest
_STAMP = ".carbonledger-installed"


def _lock_digest() -> str:
    return hashlib.sha256((ANVIL_DIR / "package-lock.json").read_bytes()).hexdigest()


def _installed(binary: Path, digest: str) -> bool:
    stamp = ANVIL_DIR / "node_modules" / _STAMP
    try:
        return binary.exists() and stamp.read_text() == digest
    except OSError:
        return False


def ensure_installed() -> Path:
    """Return the anvil binary, installing the pinned npm package first if needed.

    Several processes may ask at once (make test's lanes): one installs under a file lock
    while the others wait, and none runs a binary that is still being written.
    """
    binary = binary_path()
    digest = _lock_digest()
    if _installed(binary, digest):
        return binary
    npm = shutil.which("npm")
    if npm is None:
        raise AnvilError("npm is needed to install anvil (npm package @foundry-rs/anvil)")
    with open(ANVIL_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed(binary, digest):
            return binary
        flags = ["--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
        proc = subprocess.run(
            [npm, "ci", *flags], cwd=ANVIL_DIR, capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            # npm >= 11 refuses `ci` when a registry mirror lacks the other platforms'
            # optional packages named by the lock; `install --no-save` still installs the
            # locked version of this platform's package and checks its integrity.
            proc = subprocess.run(
                [npm, "install", "--no-save", *flags],
                cwd=ANVIL_DIR,
                capture_output=True,
                text=True,
                check=False,
            )
        if proc.returncode != 0 or not binary.exists():
            raise AnvilError(f"npm ci in {ANVIL_DIR} failed:\n{proc.stdout}\n{proc.stderr}")
        (ANVIL_DIR / "node_modules" / _STAMP).write_text(digest)
    return binary


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def rpc(url: str, method: str, params: list[object] | None = None, timeout: float = 10.0) -> object:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    req = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        reply = json.loads(resp.read())
    if "error" in reply:
        raise AnvilError(f"{method}: {reply['error']}")
    return reply["result"]


@dataclass
class Anvil:
    """An anvil process on 127.0.0.1, stopped by :meth:`stop` or on leaving a ``with`` block.

    ``accounts`` funded test accounts are created from anvil's default mnemonic; their keys
    are in :attr:`private_keys` once started.
    """

    chain_id: int = 31337
    port: int = 0
    block_time: float | None = None
    no_mining: bool = False
    accounts: int = 10
    gas_limit: int | None = None
    extra_args: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None
    private_keys: list[str] = field(default_factory=list)
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> Anvil:
        binary = ensure_installed()
        self.port = self.port or free_port()
        self._tmp = tempfile.TemporaryDirectory(prefix="carbonledger-anvil-")
        config_out = Path(self._tmp.name) / "anvil.json"
        args = [
            str(binary),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--chain-id",
            str(self.chain_id),
            "--accounts",
            str(self.accounts),
            "--cache-path",
            str(Path(self._tmp.name) / "cache"),
            "--prune-history",
            "--config-out",
            str(config_out),
            "--silent",
        ]
        if self.no_mining:
            args.append("--no-mining")
        if self.block_time is not None:
            args += ["--block-time", str(self.block_time)]
        if self.gas_limit is not None:
            args += ["--gas-limit", str(self.gas_limit)]
        args += self.extra_args
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise AnvilError(f"anvil exited with {self.process.returncode}: {err}")
            try:
                rpc(self.url, "eth_chainId", timeout=1.0)
                break
            except (OSError, AnvilError) as err:
                if time.monotonic() > deadline:
                    self.stop()
                    raise AnvilError(
                        f"anvil did not answer on {self.url} within {timeout}s"
                    ) from err
                time.sleep(0.05)
        self.private_keys = self._read_keys(config_out, deadline)
        return self

    @staticmethod
    def _read_keys(config_out: Path, deadline: float) -> list[str]:
        """anvil may answer RPC before it has finished writing its config file: wait for
        a complete JSON document (or the start deadline)."""
        while True:
            try:
                return list(json.loads(config_out.read_text())["private_keys"])
            except (OSError, ValueError, KeyError):
                if time.monotonic() > deadline:
                    raise AnvilError(f"anvil wrote no readable {config_out.name}") from None
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Anvil:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
