from ledger_backends import Backend

from carbonledger.bench.contracts import format_table, measure
from carbonledger.ledger import Chain


def test_gas_bench_measures_every_operation(backend: Backend, chain: Chain) -> None:
    rows = measure(backend.url, backend.funded_key)
    chain.forget_nonces()  # the bench sent transactions from the same key
    names = [r.operation for r in rows]
    assert "settlement.settle (10 fills)" in names and "deploy settlement" in names
    for r in rows:
        assert r.gas > 0 or r.operation.startswith("deploy + wire"), r
    # batching amortises the fixed cost of a settlement transaction
    gas = {r.operation: r.gas for r in rows}
    assert gas["settlement.settle (10 fills)"] < 10 * gas["settlement.settle (1 fill)"]
    assert format_table(rows).splitlines()[0].startswith("operation")
