from pathlib import Path

from ledger_backends import Backend
from typer.testing import CliRunner

from carbonledger.cli import app
from carbonledger.ledger import AddressBook, Chain, Role, Signer, Suite


def test_deploy_command_writes_a_working_address_book(
    backend: Backend, chain: Chain, tmp_path: Path
) -> None:
    key_file = tmp_path / "deployer.key"
    key_file.write_text(backend.funded_key + "\n")
    out = tmp_path / "addresses.json"
    args = ["contracts", "deploy", "--rpc", backend.url, "--key-file", str(key_file)]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    chain.forget_nonces()  # the command sent transactions from the same key
    book = AddressBook.read(out)
    assert book.chain_id == chain.chain_id
    suite = Suite(chain, book)
    assert suite.registry.role_of(Signer(backend.funded_key).address) == Role.ADMIN
    assert suite.coin.call("market") == book.settlement
    assert suite.allowances.call("market") == book.settlement
    assert suite.allowances.call("compliance") == book.compliance
    assert suite.offsets.call("compliance") == book.compliance
    assert suite.compliance.call("REPORTS") == book.reports


def test_deploy_command_explains_a_bad_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "bad.key"
    key_file.write_text("not a key")
    args = ["contracts", "deploy", "--rpc", "http://127.0.0.1:1", "--key-file", str(key_file)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert "hex private key" in result.output
