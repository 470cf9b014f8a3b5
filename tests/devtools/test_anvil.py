import os
import shutil
import subprocess
import sys
from pathlib import Path

from carbonledger.devtools.anvil import ANVIL_DIR, Anvil, rpc


def test_anvil_starts_answers_and_stops() -> None:
    with Anvil(chain_id=4242) as node:
        assert rpc(node.url, "eth_chainId") == hex(4242)
        assert len(node.private_keys) == 10
        proc = node.process
        assert proc is not None
    assert proc.poll() is not None


def test_processes_installing_anvil_at_once_each_get_a_whole_binary(tmp_path: Path) -> None:
    """make test's lanes start anvil at the same moment on a fresh clone: one installs,
    the others wait for it (a binary still being written cannot be run: ETXTBSY)."""
    (tmp_path / "anvil").mkdir()
    for name in ("package.json", "package-lock.json"):
        shutil.copy(ANVIL_DIR / name, tmp_path / "anvil" / name)
    script = (
        "import subprocess\n"
        "from carbonledger.devtools.anvil import ensure_installed\n"
        "print(subprocess.run([ensure_installed(), '--version'], check=True,"
        " capture_output=True, text=True).stdout.split()[0])\n"
    )
    env = {**os.environ, "CARBONLEDGER_TOOLS_DIR": str(tmp_path)}
    procs = [
        subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0]
    assert outputs == ["anvil"] * 3
