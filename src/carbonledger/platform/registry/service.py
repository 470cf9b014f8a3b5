"""Rules of the registry. Every change is a chain transaction sent with the acting
organisation's custodial key (``run_as``); what the platform records keeps the tx hash and
block. Balances are checked up front against the SQL projection so the caller gets a
precise problem; the contract re-checks everything and a revert becomes a 409.

Services never commit; the route's unit of work does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from carbonledger.accounting.allocation import AllocationResult, allocate, parse_allocation_request
from carbonledger.accounting.errors import InputError
from carbonledger.ledger import AllocationKind, BlockState, Signer, TxResult
from carbonledger.platform.accounts.models import Organisation, OrgStatus
from carbonledger.platform.compliance import service as compliance
from carbonledger.platform.db import utcnow
from carbonledger.platform.errors import Problem, conflict, engine_entry, invalid
from carbonledger.platform.gateway import LedgerGateway, run_as
from carbonledger.platform.registry import repository as repo
from carbonledger.platform.registry.models import (
    Allocation,
    AllocationKindName,
    CoinDeposit,
    OffsetProject,
    Retirement,
    Withdrawal,
    WithdrawalStatus,
)
from carbonledger.platform.registry.schemas import (
    AllocationBatchIn,
    AllocationBatchOut,
    AllocationOut,
    AllocationPreview,
    Balances,
    BurnIn,
    Certificate,
    DepositIn,
    IssuanceIn,
    IssuanceOut,
    OffsetBlockOut,
    ProjectIn,
    RetireIn,
    TransferOut,
    TxRef,
    VintageBalance,
    WithdrawalIn,
)
from carbonledger.platform.security import Kind, Principal

if TYPE_CHECKING:
    from carbonledger.platform.app import Platform

#: Allowances.allocate takes at most this many receivers in one transaction
CHUNK = 64

KIND_ON_CHAIN = {
    AllocationKindName.FREE: AllocationKind.FREE,
    AllocationKindName.PRE: AllocationKind.PRE,
    AllocationKindName.TRUE_UP: AllocationKind.TRUE_UP,
}

BLOCK_STATE = {
    int(BlockState.HELD): "held",
    int(BlockState.RETIRED): "retired",
    int(BlockState.SURRENDERED): "surrendered",
}


def utf8_at_most(value: str, limit: int, field: str) -> str:
    """The contracts bound strings in bytes, not characters (a CJK character is 3 bytes)."""
    size = len(value.encode("utf-8"))
    if size > limit:
        raise invalid(
            f"{field.rsplit(':', maxsplit=1)[-1]} is {size} bytes in UTF-8; "
            f"the chain stores at most {limit}",
            field,
            type="utf8_too_long",
            size=size,
            max_length=limit,
        )
    return value


def block_time(gw: LedgerGateway, block_number: int) -> datetime:
    raw = gw.chain.rpc.call("eth_getBlockByNumber", [hex(block_number), False])
    return datetime.fromtimestamp(int(raw["timestamp"], 16), UTC)


def chain_time(gw: LedgerGateway) -> datetime:
    raw = gw.chain.rpc.call("eth_getBlockByNumber", ["latest", False])
    return datetime.fromtimestamp(int(raw["timestamp"], 16), UTC)


def counterparty(
    session: Session, org_id: int, field: str, kinds: Sequence[Kind] = (Kind.ENTERPRISE,)
) -> Organisation:
    """An organisation named as a receiver: it must exist, be active and on chain."""
    org = repo.any_org(session, org_id)
    if org is None or org.kind not in kinds:
        detail = f"organisation {org_id} is not a known " + " or ".join(k.value for k in kinds)
        if Kind.ENTERPRISE not in kinds:
            raise invalid(detail, field, type="not_a_finance_institution", org=org_id)
        if Kind.FINANCE in kinds:
            raise invalid(detail, field, type="not_an_enterprise_or_finance", org=org_id)
        raise invalid(detail, field, type="not_an_enterprise", org=org_id)
    if org.status != OrgStatus.ACTIVE or not org.on_chain or org.address is None:
        raise conflict(
            "receiver-not-active",
            f"organisation {org_id} is not active on chain (status {org.status}"
            + (", not certified yet" if org.kind == Kind.ENTERPRISE and not org.certified else "")
            + ")",
            field,
        )
    return org


def _me(session: Session, p: Principal) -> Organisation:
    org = repo.any_org(session, p.org_id)
    assert org is not None
    return org


def _send(
    session: Session,
    platform: Platform,
    org_id: int,
    action: Any,
) -> TxResult:
    gw = platform.require_gateway()
    signer = platform.signer_for(session, org_id)
    return run_as(gw, signer, action)


# -- allocation ---------------------------------------------------------------------------


def _engine_problem(err: InputError, field: str) -> Problem:
    errors = [{**engine_entry(pr, field), "path": str(pr.location)} for pr in err.problems]
    first = err.problems[0]
    return Problem(
        422,
        "invalid-allocation-request",
        f"{field} {first.location}: {first.message}" + (f" ({first.hint})" if first.hint else ""),
        field=field,
        errors=errors,
    )


def compute(document: Any, field: str) -> AllocationResult:
    """Run the accounting engine on one request document (numbers already Decimals)."""
    try:
        return allocate(parse_allocation_request(document))
    except InputError as err:
        raise _engine_problem(err, field) from None


def preview_of(result: AllocationResult) -> AllocationPreview:
    data = json.loads(result.to_json())
    return AllocationPreview(
        enterprise=result.request.enterprise.name,
        year=result.request.year,
        method=result.request.method,
        allowances=result.total,
        pre_allocation=result.total_pre_allocation,
        true_up=result.total_true_up,
        input_digest=result.input_digest,
        result_digest=result.result_digest,
        warnings=data["warnings"],
        result=data,
    )


def preview(documents: Sequence[Any]) -> list[AllocationPreview]:
    return [preview_of(compute(doc, f"body:requests[{i}]")) for i, doc in enumerate(documents)]


def _engine_amount(result: AllocationResult, kind: AllocationKindName, field: str) -> int:
    figure = {
        AllocationKindName.FREE: result.total,
        AllocationKindName.PRE: result.total_pre_allocation,
        AllocationKindName.TRUE_UP: result.total_true_up,
    }[kind]
    if figure is None:
        raise invalid(
            f"the engine's result has no {kind} figure for this request "
            "(a pre-allocation or true-up needs base_year data)",
            field,
            type="no_allocation_figure",
        )
    if figure <= 0:
        raise invalid(
            f"the engine computed {figure} t for {kind}; nothing to allocate",
            field,
            type="nothing_to_allocate",
            figure_t=figure,
        )
    return figure


def _allocation_tx(
    gw: LedgerGateway, vintage: int, receivers: list[str], amounts: list[int], kind: AllocationKind
) -> Callable[[Signer], TxResult]:
    return lambda sg: gw.suite.allowances.by(sg).allocate(vintage, receivers, amounts, kind)


def allocate_batch(
    session: Session,
    platform: Platform,
    p: Principal,
    body: AllocationBatchIn,
    raw_items: Sequence[Mapping[str, Any]],
) -> AllocationBatchOut:
    """Allocate one vintage to many enterprises in transactions of at most 64 receivers.

    `raw_items` is the request's ``items`` parsed with every number a Decimal, so engine
    requests are computed exactly as ``carbonledger allocate`` would.
    Everything is validated before the first transaction, so a batch either passes
    validation entirely or sends nothing.
    """
    gw = platform.require_gateway()
    plan: list[tuple[Organisation, int, str, str, str]] = []
    seen: set[int] = set()
    for i, item in enumerate(body.items):
        where = f"body:items[{i}]"
        if item.org_id in seen:
            raise invalid(
                f"organisation {item.org_id} appears twice in the batch",
                f"{where}.org_id",
                type="duplicate_organisation",
                org=item.org_id,
            )
        seen.add(item.org_id)
        org = counterparty(session, item.org_id, f"{where}.org_id")
        if (item.amount is None) == (item.request is None):
            raise invalid(
                "give either amount or request (an allocation request), not both",
                where,
                type="amount_or_request",
            )
        if item.amount is not None:
            plan.append((org, item.amount, "explicit", "", ""))
            continue
        result = compute(raw_items[i]["request"], f"{where}.request")
        if result.request.year != body.vintage:
            raise invalid(
                f"the request is for {result.request.year} but the batch allocates vintage "
                f"{body.vintage}",
                f"{where}.request.year",
                type="year_mismatch",
                year=result.request.year,
                vintage=body.vintage,
            )
        amount = _engine_amount(result, body.kind, f"{where}.request")
        plan.append((org, amount, result.request.method, result.result_digest, result.input_digest))

    signer = platform.signer_for(session, p.org_id)
    batch = uuid.uuid4().hex
    txs: list[TxRef] = []
    rows: list[Allocation] = []
    kind = KIND_ON_CHAIN[body.kind]
    for start in range(0, len(plan), CHUNK):
        chunk = plan[start : start + CHUNK]
        receivers = [repo.account(org) for org, *_ in chunk]
        amounts = [amount for _, amount, *_ in chunk]
        res = run_as(gw, signer, _allocation_tx(gw, body.vintage, receivers, amounts, kind))
        tx = TxRef(tx_hash=res.receipt.tx_hash, block_number=res.receipt.block_number)
        txs.append(tx)
        for org, amount, method, digest, input_digest in chunk:
            row = Allocation(
                batch=batch,
                org_id=org.id,
                vintage=body.vintage,
                amount=amount,
                kind=body.kind.value,
                method=method,
                digest=digest,
                input_digest=input_digest,
                tx_hash=tx.tx_hash,
                block_number=tx.block_number,
                created_by=p.user_id,
            )
            session.add(row)
            rows.append(row)
    session.flush()
    allocated = {org.id: amount for org, amount, *_ in plan}
    deductions = compliance.apply_pending(session, platform, signer, body.vintage, allocated)
    return AllocationBatchOut(
        batch=batch,
        vintage=body.vintage,
        kind=body.kind.value,
        total=sum(allocated.values()),
        transactions=txs,
        allocations=[allocation_out(r) for r in rows],
        deductions=deductions,
    )


def allocation_out(row: Allocation) -> AllocationOut:
    return AllocationOut.model_validate(row, from_attributes=True)


# -- balances -----------------------------------------------------------------------------


def block_out(row: Any, owners: Mapping[str, int]) -> OffsetBlockOut:
    return OffsetBlockOut(
        block_id=row.block_id,
        owner_org_id=owners.get(row.owner),
        project=row.project,
        vintage=row.vintage,
        first_serial=row.first,
        last_serial=row.last,
        amount=row.last - row.first + 1,
        state=BLOCK_STATE.get(row.state, str(row.state)),
        beneficiary=row.beneficiary,
    )


def balances(session: Session, platform: Platform, p: Principal, org_id: int) -> Balances:
    org = repo.visible_org(session, p, org_id)
    gw = platform.require_gateway()
    address = repo.account(org)
    blocks = repo.held_offset_blocks(session, address)
    return Balances(
        org_id=org.id,
        address=address,
        allowances=[
            VintageBalance(vintage=v, balance=b, escrowed=e)
            for v, b, e in repo.allowance_balances(session, address)
        ],
        offsets=[block_out(b, {address: org.id}) for b in blocks],
        coin_cents=repo.coin_balance(session, address),
        coin_locked_cents=repo.coin_locked(session, address),
        indexed_block=gw.indexer.checkpoint(),
    )


# -- transfers ----------------------------------------------------------------------------


def insufficient(what: str, have: int, want: int, field: str) -> Problem:
    """``what``: the unit and asset, e.g. "t of vintage 2025 allowances" or "cents of carbon
    coin" (the params say tonnes or cents by their names)."""
    unit = "cents" if what.startswith("cents") else "t"
    return conflict(
        "insufficient-balance",
        f"you hold {have} {what} but asked to move {want}",
        field,
        **{f"have_{unit}": have, f"want_{unit}": want},
    )


def transfer_allowances(
    session: Session, platform: Platform, p: Principal, to_org_id: int, vintage: int, amount: int
) -> TransferOut:
    me = _me(session, p)
    to = counterparty(session, to_org_id, "body:to_org_id")
    if to.id == me.id:
        raise invalid(
            "a transfer needs another organisation as receiver",
            "body:to_org_id",
            type="self_transfer",
        )
    have = repo.allowance_balance(session, repo.account(me), vintage)
    if have < amount:
        raise insufficient(f"t of vintage {vintage} allowances", have, amount, "body:amount")
    gw = platform.require_gateway()
    res = _send(
        session,
        platform,
        me.id,
        lambda sg: gw.suite.allowances.by(sg).transfer(repo.account(to), vintage, amount),
    )
    return TransferOut(
        what="allowances",
        from_org_id=me.id,
        to_org_id=to.id,
        amount=amount,
        vintage=vintage,
        tx_hash=res.receipt.tx_hash,
        block_number=res.receipt.block_number,
    )


def own_held_block(session: Session, me: Organisation, block_id: int, amount: int) -> Any:
    block = repo.offset_block(session, block_id)
    if block is None or block.owner != repo.account(me):
        raise Problem(
            404, "not-found", f"offset block {block_id} is not held by you", field="body:block_id"
        )
    if block.state != BlockState.HELD:
        raise conflict(
            "block-not-held",
            f"offset block {block_id} is {BLOCK_STATE.get(block.state, block.state)}; "
            "retired and surrendered credits never move again",
            "body:block_id",
            block=block_id,
        )
    size = block.last - block.first + 1
    if size < amount:
        raise insufficient(f"t in offset block {block_id}", size, amount, "body:amount")
    return block


def transfer_offsets(
    session: Session, platform: Platform, p: Principal, to_org_id: int, block_id: int, amount: int
) -> TransferOut:
    me = _me(session, p)
    to = counterparty(session, to_org_id, "body:to_org_id")
    if to.id == me.id:
        raise invalid(
            "a transfer needs another organisation as receiver",
            "body:to_org_id",
            type="self_transfer",
        )
    block = own_held_block(session, me, block_id, amount)
    gw = platform.require_gateway()
    res = _send(
        session,
        platform,
        me.id,
        lambda sg: gw.suite.offsets.by(sg).transfer(repo.account(to), block_id, amount),
    )
    moved = int(res.event("BlockTransferred")["block_id"])
    return TransferOut(
        what="offsets",
        from_org_id=me.id,
        to_org_id=to.id,
        amount=amount,
        vintage=int(block.vintage),
        block_id=moved,
        tx_hash=res.receipt.tx_hash,
        block_number=res.receipt.block_number,
    )


def transfer_coin(
    session: Session, platform: Platform, p: Principal, to_org_id: int, cents: int
) -> TransferOut:
    me = _me(session, p)
    to = counterparty(session, to_org_id, "body:to_org_id", (Kind.ENTERPRISE, Kind.FINANCE))
    if to.id == me.id:
        raise invalid(
            "a transfer needs another organisation as receiver",
            "body:to_org_id",
            type="self_transfer",
        )
    have = repo.coin_balance(session, repo.account(me))
    if have < cents:
        raise insufficient("cents of carbon coin", have, cents, "body:amount_cents")
    gw = platform.require_gateway()
    res = _send(
        session, platform, me.id, lambda sg: gw.suite.coin.by(sg).transfer(repo.account(to), cents)
    )
    return TransferOut(
        what="coin",
        from_org_id=me.id,
        to_org_id=to.id,
        amount=cents,
        tx_hash=res.receipt.tx_hash,
        block_number=res.receipt.block_number,
    )


# -- carbon coin --------------------------------------------------------------------------


def deposit(session: Session, platform: Platform, p: Principal, body: DepositIn) -> CoinDeposit:
    to = counterparty(session, body.org_id, "body:org_id")
    reference = utf8_at_most(body.reference, 32, "body:reference")
    if repo.deposit_by_reference(session, p.org_id, reference) is not None:
        raise conflict(
            "duplicate-reference",
            f"you already deposited against payment reference {reference!r}",
            "body:reference",
            reference=reference,
        )
    gw = platform.require_gateway()
    res = _send(
        session,
        platform,
        p.org_id,
        lambda sg: gw.suite.coin.by(sg).mint(
            repo.account(to), body.amount_cents, reference.encode()
        ),
    )
    row = CoinDeposit(
        bank_org_id=p.org_id,
        org_id=to.id,
        amount_cents=body.amount_cents,
        reference=reference,
        tx_hash=res.receipt.tx_hash,
        block_number=res.receipt.block_number,
    )
    session.add(row)
    session.flush()
    return row


def burn(session: Session, platform: Platform, p: Principal, body: BurnIn) -> TxRef:
    me = _me(session, p)
    reference = utf8_at_most(body.reference, 32, "body:reference")
    have = repo.coin_balance(session, repo.account(me))
    if have < body.amount_cents:
        raise insufficient("cents of carbon coin", have, body.amount_cents, "body:amount_cents")
    gw = platform.require_gateway()
    res = _send(
        session,
        platform,
        me.id,
        lambda sg: gw.suite.coin.by(sg).burn(body.amount_cents, reference.encode()),
    )
    return TxRef(tx_hash=res.receipt.tx_hash, block_number=res.receipt.block_number)


def request_withdrawal(
    session: Session, platform: Platform, p: Principal, body: WithdrawalIn
) -> Withdrawal:
    """The enterprise moves the coin to its bank now; the bank burns it when it pays out."""
    me = _me(session, p)
    bank = counterparty(session, body.bank_org_id, "body:bank_org_id", (Kind.FINANCE,))
    have = repo.coin_balance(session, repo.account(me))
    if have < body.amount_cents:
        raise insufficient("cents of carbon coin", have, body.amount_cents, "body:amount_cents")
    gw = platform.require_gateway()
    res = _send(
        session,
        platform,
        me.id,
        lambda sg: gw.suite.coin.by(sg).transfer(repo.account(bank), body.amount_cents),
    )
    row = Withdrawal(
        org_id=me.id,
        bank_org_id=bank.id,
        amount_cents=body.amount_cents,
        status=WithdrawalStatus.REQUESTED,
        request_tx=res.receipt.tx_hash,
    )
    session.add(row)
    session.flush()
    return row


def decide_withdrawal(
    session: Session,
    platform: Platform,
    p: Principal,
    withdrawal_id: int,
    execute: bool,
    note: str,
) -> Withdrawal:
    """The bank executes (burns the coin, reference ``W<id>``) or rejects (returns it)."""
    w = repo.withdrawal_for_bank(session, p, withdrawal_id)
    if w.status != WithdrawalStatus.REQUESTED:
        raise conflict("already-decided", f"withdrawal {withdrawal_id} is already {w.status}")
    gw = platform.require_gateway()
    if execute:
        res = _send(
            session,
            platform,
            p.org_id,
            lambda sg: gw.suite.coin.by(sg).burn(w.amount_cents, f"W{w.id}".encode()),
        )
        w.status = WithdrawalStatus.EXECUTED
    else:
        owner = repo.any_org(session, w.org_id)
        assert owner is not None
        res = _send(
            session,
            platform,
            p.org_id,
            lambda sg: gw.suite.coin.by(sg).transfer(repo.account(owner), w.amount_cents),
        )
        w.status = WithdrawalStatus.REJECTED
    w.settle_tx = res.receipt.tx_hash
    w.note = note
    w.decided_at = utcnow()
    return w


# -- offsets ------------------------------------------------------------------------------


def register_project(
    session: Session, platform: Platform, p: Principal, body: ProjectIn
) -> OffsetProject:
    if repo.project(session, body.project_id) is not None:
        raise conflict(
            "project-exists",
            f"project {body.project_id} is registered",
            "body:project_id",
            project=body.project_id,
        )
    developer = counterparty(session, body.developer_org_id, "body:developer_org_id")
    methodology = utf8_at_most(body.methodology, 32, "body:methodology")
    gw = platform.require_gateway()
    res = _send(
        session,
        platform,
        p.org_id,
        lambda sg: gw.suite.offsets.by(sg).register_project(
            body.project_id, repo.account(developer), methodology.encode(), body.region
        ),
    )
    row = OffsetProject(
        id=body.project_id,
        developer_org_id=developer.id,
        methodology=methodology,
        region=body.region,
        name=body.name,
        tx_hash=res.receipt.tx_hash,
        block_number=res.receipt.block_number,
    )
    session.add(row)
    session.flush()
    return row


def issue(session: Session, platform: Platform, p: Principal, body: IssuanceIn) -> IssuanceOut:
    project = repo.project(session, body.project_id)
    if project is None:
        raise invalid(
            f"project {body.project_id} is not registered",
            "body:project_id",
            type="unknown_project",
            project=body.project_id,
        )
    developer = counterparty(session, project.developer_org_id, "body:project_id")
    gw = platform.require_gateway()
    res = _send(
        session,
        platform,
        p.org_id,
        lambda sg: gw.suite.offsets.by(sg).issue(
            body.project_id, body.vintage, repo.account(developer), body.amount
        ),
    )
    ev = res.event("Issued")
    return IssuanceOut(
        block_id=int(ev["block_id"]),
        project_id=body.project_id,
        vintage=body.vintage,
        to_org_id=developer.id,
        first_serial=int(ev["first"]),
        last_serial=int(ev["last"]),
        amount=body.amount,
        tx_hash=res.receipt.tx_hash,
        block_number=res.receipt.block_number,
    )


def retire(session: Session, platform: Platform, p: Principal, body: RetireIn) -> Retirement:
    """Retire credits for a beneficiary. Permanent: the retired serials never move again."""
    me = _me(session, p)
    beneficiary = utf8_at_most(body.beneficiary.strip(), 64, "body:beneficiary")
    if not beneficiary:
        raise invalid("name the beneficiary of the retirement", "body:beneficiary", type="missing")
    reason = utf8_at_most(body.reason, 128, "body:reason")
    block = own_held_block(session, me, body.block_id, body.amount)
    gw = platform.require_gateway()
    res = _send(
        session,
        platform,
        me.id,
        lambda sg: gw.suite.offsets.by(sg).retire(body.block_id, body.amount, beneficiary, reason),
    )
    retired_id = int(res.event("Retired")["block_id"])
    on_chain = gw.suite.offsets.block(retired_id)
    row = Retirement(
        block_id=retired_id,
        org_id=me.id,
        project_id=int(block.project),
        vintage=on_chain.vintage,
        first_serial=on_chain.first,
        last_serial=on_chain.last,
        amount=on_chain.size,
        beneficiary=beneficiary,
        reason=reason,
        tx_hash=res.receipt.tx_hash,
        block_number=res.receipt.block_number,
        retired_at=block_time(gw, res.receipt.block_number),
    )
    session.add(row)
    session.flush()
    return row


def certificate(session: Session, row: Retirement) -> Certificate:
    project = repo.project(session, row.project_id)
    holder = repo.any_org(session, row.org_id)
    return Certificate(
        certificate_id=f"CL-RET-{row.vintage}-{row.block_id:08d}",
        block_id=row.block_id,
        holder_org_id=row.org_id,
        holder=holder.name if holder else "",
        project_id=row.project_id,
        project_name=project.name if project else "",
        methodology=project.methodology if project else "",
        project_region=project.region if project else "",
        vintage=row.vintage,
        first_serial=row.first_serial,
        last_serial=row.last_serial,
        amount=row.amount,
        beneficiary=row.beneficiary,
        reason=row.reason,
        tx_hash=row.tx_hash,
        block_number=row.block_number,
        retired_at=row.retired_at,
    )
