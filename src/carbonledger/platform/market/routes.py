"""HTTP of the market (docs/platform/market.md)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, WebSocket, WebSocketDisconnect, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonledger.market.engine import OrderType, Side, TimeInForce
from carbonledger.market.tape import Print, Venue, candles, totals
from carbonledger.platform import audit, problem_codes
from carbonledger.platform.accounts.models import Organisation
from carbonledger.platform.deps import (
    Anyone,
    EnterpriseOnly,
    ObjectId,
    RegulatorOnly,
    SignedIn,
    Supervisor,
    platform_of,
    work,
)
from carbonledger.platform.errors import Problem, conflict, not_found
from carbonledger.platform.idempotency import Idempotency, idempotent
from carbonledger.platform.listing import Page, Paging
from carbonledger.platform.market import repository as repo
from carbonledger.platform.market.models import (
    MarketAuction,
    MarketDeal,
    MarketInstrument,
    MarketNotice,
    MarketOrder,
    MarketRelation,
    MarketTrade,
    TradeState,
)
from carbonledger.platform.market.schemas import (
    Alert,
    AuctionCreate,
    AuctionFill,
    AuctionPublic,
    BidCreate,
    Candle,
    DealCreate,
    DealPublic,
    Depth,
    InstrumentCreate,
    InstrumentPublic,
    InstrumentSettings,
    Notice,
    OrderAmend,
    OrderBatchCreate,
    OrderBatchOut,
    OrderBatchOutcome,
    OrderCreate,
    OrderProblem,
    OrderPublic,
    Participant,
    RelationCreate,
    RelationPublic,
    SessionChange,
    Statistics,
    TapeEntry,
    TradePublic,
)
from carbonledger.platform.market.service import Market, OrderRequest, engine_code
from carbonledger.platform.security import Kind, Principal, allow

SEES_ALL = repo.SEES_ALL

router = APIRouter(prefix="/api/v1/market", tags=["market"])


def market_of(request: Request) -> Market:
    market = platform_of(request).market
    if market is None:
        raise Problem(503, "market-not-running", "the market service is not running")
    return market


def _instrument(request: Request, code: str) -> tuple[MarketInstrument, Any]:
    market = market_of(request)
    with work(request) as s:
        row = s.get(MarketInstrument, code)
    if row is None:
        raise not_found("instrument", code)
    return row, market.book(code)


def instrument_out(row: MarketInstrument, book: Any) -> InstrumentPublic:
    limits = book.price_limits
    return InstrumentPublic(
        code=row.code,
        vintage=row.vintage,
        tick=row.tick,
        lot=row.lot,
        price_limit_bps=row.price_limit_bps,
        block_band_bps=row.block_band_bps,
        block_min_quantity=row.block_min_quantity,
        position_alert_t=row.position_alert_t,
        layering_alert_t=row.layering_alert_t,
        open=book.is_open,
        previous_close=book.previous_close,
        price_limits=list(limits) if limits else None,
        last_price=book.last_price,
    )


def trade_out(t: MarketTrade) -> TradePublic:
    return TradePublic(
        id=t.id,
        kind=t.kind,
        instrument=t.instrument,
        price=t.price,
        quantity=t.quantity,
        buy_order_id=t.buy_order_id,
        sell_order_id=t.sell_order_id,
        buyer_org=t.buyer_org,
        seller_org=t.seller_org,
        state=t.state,
        attempts=t.attempts,
        last_error=t.last_error,
        tx_hash=t.tx_hash,
        block_number=t.block_number,
        matched_at=t.matched_at,
        settled_at=t.settled_at,
    )


def order_out(o: MarketOrder, trades: list[MarketTrade] | None = None) -> OrderPublic:
    return OrderPublic(
        id=o.id,
        org_id=o.org_id,
        instrument=o.instrument,
        side=o.side,
        type=o.order_type,
        tif=o.tif,
        price=o.price,
        quantity=o.quantity,
        filled=o.filled,
        state=o.state,
        reason=o.reason,
        client_ref=o.client_ref,
        kind=o.kind,
        auction_id=o.auction_id,
        escrow_price=o.escrow_price,
        escrow_quantity=o.escrow_quantity,
        escrow_protective=o.order_type == "market",
        chain_order_id=o.chain_order_id,
        escrow_tx=o.escrow_tx,
        released=o.released,
        release_tx=o.release_tx,
        created_at=o.created_at,
        trades=[trade_out(t) for t in trades or []],
    )


def org_names(s: Session, ids: set[int]) -> dict[int, str]:
    """Names of organisations by id (the parties of deals shown to each other)."""
    if not ids:
        return {}
    q = select(Organisation.id, Organisation.name).where(Organisation.id.in_(sorted(ids)))
    return {int(i): str(n) for i, n in s.execute(q)}


def deal_out(d: MarketDeal, names: dict[int, str]) -> DealPublic:
    return DealPublic(
        id=d.id,
        instrument=d.instrument,
        chain_deal_id=d.chain_deal_id,
        proposer_org=d.proposer_org,
        proposer_name=names.get(d.proposer_org, ""),
        counterparty_org=d.counterparty_org,
        counterparty_name=names.get(d.counterparty_org, ""),
        seller_org=d.seller_org,
        buyer_org=d.buyer_org,
        price=d.price,
        quantity=d.quantity,
        state=d.state,
        proposed_tx=d.proposed_tx,
        tx_hash=d.tx_hash,
        block_number=d.block_number,
        created_at=d.created_at,
    )


def auction_out(a: MarketAuction, bids: int) -> AuctionPublic:
    return AuctionPublic(
        id=a.id,
        instrument=a.instrument,
        seller_org=a.seller_org,
        quantity=a.quantity,
        reserve=a.reserve,
        state=a.state,
        bids=bids,
        clearing_price=a.clearing_price,
        sold=a.sold,
        created_at=a.created_at,
        closed_at=a.closed_at,
    )


# -- instruments ------------------------------------------------------------------------------


@router.post(
    "/instruments",
    status_code=status.HTTP_201_CREATED,
    response_model=InstrumentPublic,
    summary="List allowances of a vintage for trading",
)
def create_instrument(body: InstrumentCreate, request: Request, p: RegulatorOnly) -> Any:
    market = market_of(request)
    code = f"CEA-{body.vintage}"
    with market.lock, work(request) as s:
        if s.get(MarketInstrument, code) is not None or code in market.engine.books:
            raise conflict(
                "instrument-exists", f"{code} is already listed", "body:vintage", instrument=code
            )
        row = MarketInstrument(
            code=code,
            vintage=body.vintage,
            tick=body.tick,
            lot=body.lot,
            price_limit_bps=body.price_limit_bps,
            block_band_bps=body.block_band_bps,
            block_min_quantity=body.block_min_quantity,
            reference_price=body.reference_price,
            position_alert_t=body.position_alert_t,
            layering_alert_t=body.layering_alert_t,
        )
        if body.reference_price % body.tick:
            raise Problem(
                422,
                "bad-tick",
                f"the reference price {body.reference_price} is not on the {body.tick}-cent tick",
                field="body:reference_price",
                params={
                    "price_cents_per_t": body.reference_price,
                    "tick_cents_per_t": body.tick,
                },
            )
        s.add(row)
        market.list_instrument(s, row, body.open)
        audit.record(
            s, "market.instrument-listed", principal=p, request=request, target=f"instrument:{code}"
        )
        try:
            s.flush()
        except Exception:
            market.engine.books.pop(code, None)
            raise
    return instrument_out(row, market.book(code))


@router.get("/instruments", response_model=list[InstrumentPublic], summary="Instruments")
def list_instruments(request: Request, _: Anyone) -> Any:
    market = market_of(request)
    with work(request) as s:
        rows = repo.instruments(s)
    return [instrument_out(r, market.book(r.code)) for r in rows if r.code in market.engine.books]


@router.get("/instruments/{code}", response_model=InstrumentPublic, summary="One instrument")
def get_instrument(code: str, request: Request, _: Anyone) -> Any:
    row, book = _instrument(request, code)
    return instrument_out(row, book)


@router.patch(
    "/instruments/{code}",
    response_model=InstrumentPublic,
    summary="Change an instrument's surveillance thresholds",
)
def change_instrument(
    code: str, body: InstrumentSettings, request: Request, p: RegulatorOnly
) -> Any:
    market = market_of(request)
    changes = body.model_dump(exclude_none=True)
    if not changes:
        raise Problem(422, "no-settings", "give a new position or layering threshold", field="body")
    with work(request) as s:
        row = s.get(MarketInstrument, code)
        if row is None:
            raise not_found("instrument", code)
        for name, value in changes.items():
            setattr(row, name, value)
        audit.record(
            s,
            "market.instrument-settings",
            principal=p,
            request=request,
            target=f"instrument:{code}",
            detail=changes,
        )
    return instrument_out(row, market.book(code))


@router.post(
    "/instruments/{code}/session",
    response_model=InstrumentPublic,
    summary="Open or close (halt) trading",
)
def change_session(code: str, body: SessionChange, request: Request, p: RegulatorOnly) -> Any:
    row, _ = _instrument(request, code)
    market = market_of(request)
    market.session(code, body.open)
    with work(request) as s:
        audit.record(
            s,
            "market.session",
            principal=p,
            request=request,
            target=f"instrument:{code}",
            detail={"open": body.open},
        )
    return instrument_out(row, market.book(code))


@router.post(
    "/instruments/{code}/end-of-day",
    response_model=InstrumentPublic,
    summary="End the trading day: expire resting orders, take the close",
)
def end_of_day(code: str, request: Request, p: RegulatorOnly) -> Any:
    row, _ = _instrument(request, code)
    market = market_of(request)
    market.end_of_day(code)
    with work(request) as s:
        audit.record(
            s, "market.end-of-day", principal=p, request=request, target=f"instrument:{code}"
        )
    return instrument_out(row, market.book(code))


# -- market data (public) ---------------------------------------------------------------------


@router.get("/instruments/{code}/depth", response_model=Depth, summary="Order book depth")
def depth(
    code: str, request: Request, _: Anyone, levels: Annotated[int, Query(ge=1, le=50)] = 10
) -> Any:
    _instrument(request, code)
    market = market_of(request)
    with market.lock:
        d = market.book(code).depth(levels).to_dict()
    return Depth(instrument=code, bids=d["bids"], asks=d["asks"])


def _deal_time(d: MarketDeal) -> datetime:
    return d.decided_at or d.created_at


def _prints(trades: list[MarketTrade], deals: list[MarketDeal]) -> list[Print]:
    """The tape in trading order: trades not reversed and settled negotiated trades."""
    out = [
        (t.matched_at, 0, t.id, Print(Venue(t.kind), t.price, t.quantity, t.matched_at))
        for t in trades
        if t.state != TradeState.REVERSED
    ]
    out += [
        (_deal_time(d), 1, d.id, Print(Venue.DEAL, d.price, d.quantity, _deal_time(d)))
        for d in deals
    ]
    out.sort(key=lambda row: row[:3])
    return [row[3] for row in out]


@router.get(
    "/instruments/{code}/trades",
    response_model=list[TapeEntry],
    summary="Trade tape: the order book's, auctions' and negotiated trades, latest first",
)
def tape(
    code: str, request: Request, _: Anyone, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> Any:
    _instrument(request, code)
    with work(request) as s:
        trades = repo.instrument_trades(s, code, limit)
        deals = repo.settled_deals(s, code, limit)
    entries = [
        TapeEntry(
            id=t.id,
            kind=Venue(t.kind),
            price=t.price,
            quantity=t.quantity,
            aggressor=t.aggressor,
            state=t.state,
            tx_hash=t.tx_hash,
            matched_at=t.matched_at,
        )
        for t in trades
        if t.state != TradeState.REVERSED
    ] + [
        TapeEntry(
            id=d.id,
            kind=Venue.DEAL,
            price=d.price,
            quantity=d.quantity,
            aggressor="",
            state=TradeState.SETTLED,  # a deal settles on chain when it is accepted
            tx_hash=d.tx_hash,
            matched_at=_deal_time(d),
        )
        for d in deals
    ]
    entries.sort(key=lambda e: (e.matched_at, e.kind is Venue.DEAL, e.id), reverse=True)
    return entries[:limit]


@router.get(
    "/instruments/{code}/ohlcv",
    response_model=list[Candle],
    summary="Daily OHLCV (prices of the book and auctions; volume of every venue)",
)
def ohlcv(code: str, request: Request, _: Anyone) -> Any:
    """Negotiated trades count in volume and turnover, not in prices
    (``carbonledger.market.tape``)."""
    _instrument(request, code)
    with work(request) as s:
        prints = _prints(repo.instrument_trades(s, code), repo.settled_deals(s, code))
    return [Candle(**asdict(c)) for c in candles(prints)]


@router.get(
    "/instruments/{code}/statistics", response_model=Statistics, summary="Per-instrument statistics"
)
def statistics(code: str, request: Request, _: Anyone) -> Any:
    """Totals of every venue; the VWAP of the order book and auctions, the last price of
    the order book (``carbonledger.market.tape``)."""
    _instrument(request, code)
    market = market_of(request)
    with work(request) as s:
        rows = [t for t in repo.instrument_trades(s, code) if t.state != TradeState.REVERSED]
        deals = repo.settled_deals(s, code)
    with market.lock:
        book = market.book(code)
        limits = book.price_limits
        out = dict(
            open=book.is_open,
            previous_close=book.previous_close,
            price_limits=list(limits) if limits else None,
            last_price=book.last_price,
            best_bid=book.best_bid(),
            best_ask=book.best_ask(),
        )
    sums = totals(_prints(rows, deals))
    return Statistics(
        instrument=code,
        trades=sums.trades,
        volume=sums.volume,
        turnover=sums.turnover,
        vwap=sums.vwap,
        settled_trades=sum(1 for t in rows if t.state == TradeState.SETTLED) + len(deals),
        pending_trades=sum(1 for t in rows if t.state != TradeState.SETTLED),
        negotiated_trades=sums.negotiated_trades,
        negotiated_volume=sums.negotiated_volume,
        negotiated_turnover=sums.negotiated_turnover,
        **out,
    )


@router.get("/book-snapshot", summary="The engine's whole state (supervisors; audits)")
def book_snapshot(request: Request, _: Supervisor) -> Any:
    market = market_of(request)
    with market.lock:
        return market.engine.snapshot()


@router.websocket("/ws")
async def live(websocket: WebSocket) -> None:
    """Live depth and trades: send {"subscribe": ["CEA-2024", ...]}; public data, so no
    sign-in is needed."""
    market: Market | None = websocket.app.state.platform.market
    await websocket.accept()
    if market is None:
        await websocket.close(code=1011)
        return
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=1000)
    wanted: set[str] = set()

    def listener(message: dict[str, Any]) -> None:
        if message.get("instrument") in wanted:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_put, queue, message)

    market.listeners.add(listener)
    try:
        while True:
            receive = asyncio.ensure_future(websocket.receive_text())
            forward = asyncio.ensure_future(queue.get())
            done, pending = await asyncio.wait(
                {receive, forward}, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
            if receive in done:
                try:
                    msg = json.loads(receive.result())
                    codes = [str(c) for c in msg.get("subscribe", [])]
                except (ValueError, AttributeError, TypeError):
                    await websocket.send_json(
                        {"type": "error", "detail": 'send {"subscribe": ["CEA-2024"]}'}
                    )
                    continue
                wanted.update(c for c in codes if c in market.engine.books)
                for code in codes:
                    if code in market.engine.books:
                        with market.lock:
                            d = market.book(code).depth(10).to_dict()
                        await websocket.send_json({"type": "depth", "instrument": code, **d})
                    else:
                        await websocket.send_json(
                            {"type": "error", "detail": f"no instrument {code!r}"}
                        )
            if forward in done:
                await websocket.send_json(forward.result())
    except WebSocketDisconnect:
        pass
    finally:
        market.listeners.discard(listener)


def _put(queue: asyncio.Queue[dict[str, Any]], message: dict[str, Any]) -> None:
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(message)


# -- orders -----------------------------------------------------------------------------------


@router.post(
    "/orders",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderPublic,
    summary="Place an order (escrowed on chain first)",
)
def place_order(
    body: OrderCreate,
    request: Request,
    p: EnterpriseOnly,
    idem: Annotated[Idempotency, Depends(idempotent)],
) -> Any:
    market = market_of(request)
    order, trades = market.place_order(
        p,
        body.instrument,
        Side(body.side),
        OrderType(body.type),
        body.quantity,
        body.price,
        TimeInForce(body.tif),
        body.client_ref,
        record=lambda s, o: audit.record(
            s, "market.order", principal=p, request=request, target=f"market-order:{o.id}"
        ),
    )
    out = order_out(order, trades)
    if order.state == "rejected":
        # the escrow is released by the settler; the refusal is the answer
        market.wake.set()
        code = engine_code(order.reason.split(":")[0])
        raise conflict(
            code,
            order.reason.split(": ", 1)[-1],
            "body",
            **problem_codes.pick(code, quantity_t=order.quantity, instrument=order.instrument),
        )
    return idem.finish(out, 201)


@router.post(
    "/orders/batch",
    response_model=OrderBatchOut,
    summary="Place up to 100 orders at once (escrowed on chain together, matched in order)",
)
def place_orders(
    body: OrderBatchCreate,
    request: Request,
    p: EnterpriseOnly,
    idem: Annotated[Idempotency, Depends(idempotent)],
) -> Any:
    """Each order is checked, escrowed and matched as by ``POST /orders``; one refused
    order does not stop the others. The answer lists every order's outcome in the order
    given: the order with its trades, or the problem that refused it (an order the engine
    rejects, e.g. a FOK that cannot fill, is reported with its problem)."""
    market = market_of(request)
    requests = [
        OrderRequest(
            o.instrument,
            Side(o.side),
            OrderType(o.type),
            o.quantity,
            o.price,
            TimeInForce(o.tif),
            o.client_ref,
        )
        for o in body.orders
    ]
    outcomes = market.place_orders(
        p,
        requests,
        # one entry for the request, naming every order it placed
        record=lambda s, orders: audit.record(
            s,
            "market.orders",
            principal=p,
            request=request,
            target=f"market-order:{orders[0].id}..{orders[-1].id}",
            detail={"orders": [o.id for o in orders]},
        ),
    )
    results: list[OrderBatchOutcome] = []
    for k, outcome in enumerate(outcomes):
        if isinstance(outcome, Problem):
            field = outcome.field
            if field is not None and field.startswith("body:"):
                field = f"body:orders:{k}:{field.removeprefix('body:')}"
            results.append(
                OrderBatchOutcome(
                    problem=OrderProblem(
                        status=outcome.status,
                        code=outcome.code,
                        detail=outcome.detail,
                        field=field,
                        params=outcome.params,
                    )
                )
            )
            continue
        order, trades = outcome
        out = order_out(order, trades)
        if order.state == "rejected":
            market.wake.set()  # its escrow is released by the settler
            reason, _, detail = order.reason.partition(": ")
            code = engine_code(reason)
            results.append(
                OrderBatchOutcome(
                    order=out,
                    problem=OrderProblem(
                        status=409,
                        code=code,
                        detail=detail or order.reason,
                        field=f"body:orders:{k}",
                        params=problem_codes.pick(
                            code, quantity_t=order.quantity, instrument=order.instrument
                        )
                        or None,
                    ),
                )
            )
        else:
            results.append(OrderBatchOutcome(order=out))
    refused = sum(1 for r in results if r.problem is not None)
    answer = OrderBatchOut(results=results, placed=len(results) - refused, refused=refused)
    return idem.finish(answer, 200)


@router.get("/orders", response_model=Page[OrderPublic], summary="Orders you may see")
def list_orders(
    request: Request,
    p: SignedIn,
    paging: Annotated[Paging, Depends()],
    instrument: Annotated[str | None, Query(max_length=32)] = None,
    state: Annotated[str | None, Query(max_length=12)] = None,
    auction_id: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="an auction's offer and bids")
    ] = None,
) -> Any:
    q = repo.visible_orders(p)
    if instrument:
        q = q.where(MarketOrder.instrument == instrument)
    if state:
        q = q.where(MarketOrder.state == state)
    if auction_id is not None:
        q = q.where(MarketOrder.auction_id == auction_id)
    with work(request) as s:
        rows, total = paging.apply(s, q, {"id": MarketOrder.id, "price": MarketOrder.price}, "-id")
        return Page(
            items=[order_out(o) for o in rows],
            total=total,
            offset=paging.offset,
            limit=paging.limit,
        )


@router.get("/orders/{order_id}", response_model=OrderPublic, summary="One order and its trades")
def get_order(order_id: ObjectId, request: Request, p: SignedIn) -> Any:
    with work(request) as s:
        o = s.execute(repo.visible_orders(p).where(MarketOrder.id == order_id)).scalar()
        if o is None:
            raise not_found("order", order_id)
        return order_out(o, repo.order_trades(s, o.id))


@router.delete(
    "/orders/{order_id}",
    response_model=OrderPublic,
    summary="Cancel an order (its escrow is released)",
)
def cancel_order(order_id: ObjectId, request: Request, p: EnterpriseOnly) -> Any:
    order = market_of(request).cancel_order(p, order_id)
    with work(request) as s:
        audit.record(
            s, "market.cancel", principal=p, request=request, target=f"market-order:{order_id}"
        )
        return order_out(order, repo.order_trades(s, order_id))


@router.patch("/orders/{order_id}", response_model=OrderPublic, summary="Amend an order")
def amend_order(order_id: ObjectId, body: OrderAmend, request: Request, p: EnterpriseOnly) -> Any:
    if body.quantity is None and body.price is None:
        raise Problem(422, "no-change", "give a new quantity, a new price or both", field="body")
    order = market_of(request).amend_order(p, order_id, body.quantity, body.price)
    with work(request) as s:
        audit.record(
            s, "market.amend", principal=p, request=request, target=f"market-order:{order_id}"
        )
        return order_out(order, repo.order_trades(s, order_id))


@router.get(
    "/trades",
    response_model=Page[TradePublic],
    summary="Trades you took part in (supervisors: all) with their settlement",
)
def list_trades(
    request: Request,
    p: SignedIn,
    paging: Annotated[Paging, Depends()],
    instrument: Annotated[str | None, Query(max_length=32)] = None,
    state: Annotated[str | None, Query(max_length=10)] = None,
) -> Any:
    q = repo.visible_trades(p)
    if instrument:
        q = q.where(MarketTrade.instrument == instrument)
    if state:
        q = q.where(MarketTrade.state == state)
    with work(request) as s:
        rows, total = paging.apply(s, q, {"id": MarketTrade.id}, "id")
        return Page(
            items=[trade_out(t) for t in rows],
            total=total,
            offset=paging.offset,
            limit=paging.limit,
        )


@router.get("/notices", response_model=list[Notice], summary="Market notices to your organisation")
def notices(request: Request, p: EnterpriseOnly) -> Any:
    with work(request) as s:
        rows = s.execute(
            select(MarketNotice).where(MarketNotice.org_id == p.org_id).order_by(MarketNotice.id)
        ).scalars()
        return [
            Notice(id=n.id, kind=n.kind, trade_id=n.trade_id, message=n.message, at=n.at)
            for n in rows
        ]


# -- negotiated trades ------------------------------------------------------------------------


@router.post(
    "/deals",
    status_code=status.HTTP_201_CREATED,
    response_model=DealPublic,
    summary="Propose a negotiated (block) trade to a named enterprise",
)
def propose_deal(
    body: DealCreate,
    request: Request,
    p: EnterpriseOnly,
    idem: Annotated[Idempotency, Depends(idempotent)],
) -> Any:
    deal = market_of(request).propose_deal(
        p, body.instrument, body.counterparty_id, body.as_seller, body.quantity, body.price
    )
    with work(request) as s:
        audit.record(
            s, "market.deal-proposed", principal=p, request=request, target=f"market-deal:{deal.id}"
        )
        out = deal_out(deal, org_names(s, {deal.proposer_org, deal.counterparty_org}))
    return idem.finish(out, 201)


@router.get(
    "/participants",
    response_model=list[Participant],
    summary="Enterprises you may propose a negotiated trade to, by name or credit code",
)
def participants(
    request: Request,
    p: EnterpriseOnly,
    q: Annotated[
        str,
        Query(max_length=100, description="part of the name, the whole credit code or the id"),
    ] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> Any:
    """Active, certified enterprises with a chain account, your own left out: whom a deal
    can name (the same conditions as proposing one)."""
    with work(request) as s:
        return [
            Participant(id=o.id, name=o.name, region=o.region, industry=o.industry)
            for o in repo.participants(s, q, p.org_id, limit)
        ]


@router.get("/deals", response_model=list[DealPublic], summary="Deals you are party to")
def list_deals(request: Request, p: SignedIn) -> Any:
    with work(request) as s:
        rows = list(s.execute(repo.visible_deals(p).order_by(MarketDeal.id)).scalars())
        names = org_names(s, {o for d in rows for o in (d.proposer_org, d.counterparty_org)})
        return [deal_out(d, names) for d in rows]


@router.post(
    "/deals/{deal_id}/accept",
    response_model=DealPublic,
    summary="Accept a deal (settles at once on chain)",
)
def accept_deal(deal_id: ObjectId, request: Request, p: EnterpriseOnly) -> Any:
    deal = market_of(request).decide_deal(p, deal_id, True)
    with work(request) as s:
        audit.record(
            s, "market.deal-accepted", principal=p, request=request, target=f"market-deal:{deal_id}"
        )
        return deal_out(deal, org_names(s, {deal.proposer_org, deal.counterparty_org}))


@router.post("/deals/{deal_id}/cancel", response_model=DealPublic, summary="Withdraw a deal")
def cancel_deal(deal_id: ObjectId, request: Request, p: EnterpriseOnly) -> Any:
    deal = market_of(request).decide_deal(p, deal_id, False)
    with work(request) as s:
        audit.record(
            s,
            "market.deal-cancelled",
            principal=p,
            request=request,
            target=f"market-deal:{deal_id}",
        )
        return deal_out(deal, org_names(s, {deal.proposer_org, deal.counterparty_org}))


# -- auctions ---------------------------------------------------------------------------------


@router.post(
    "/auctions",
    status_code=status.HTTP_201_CREATED,
    response_model=AuctionPublic,
    summary="Sell allowances by sealed-bid uniform-price auction (escrowed now)",
)
def open_auction(
    body: AuctionCreate,
    request: Request,
    p: EnterpriseOnly,
    idem: Annotated[Idempotency, Depends(idempotent)],
) -> Any:
    auction = market_of(request).open_auction(p, body.instrument, body.quantity, body.reserve)
    with work(request) as s:
        audit.record(
            s,
            "market.auction-opened",
            principal=p,
            request=request,
            target=f"market-auction:{auction.id}",
        )
    return idem.finish(auction_out(auction, 0), 201)


def _bids(request: Request, auction_id: int) -> int:
    with work(request) as s:
        return repo.auction_bid_counts(s, [auction_id]).get(auction_id, 0)


@router.get(
    "/auctions",
    response_model=Page[AuctionPublic],
    summary="Auctions, open and closed, newest first (public, as each auction is)",
)
def list_auctions(
    request: Request,
    _: Anyone,
    paging: Annotated[Paging, Depends()],
    instrument: Annotated[str | None, Query(max_length=32)] = None,
    state: Literal["open", "closed"] | None = None,
) -> Any:
    q = select(MarketAuction)
    if instrument:
        q = q.where(MarketAuction.instrument == instrument)
    if state:
        q = q.where(MarketAuction.state == state)
    with work(request) as s:
        rows, total = paging.apply(s, q, {"id": MarketAuction.id}, "-id")
        counts = repo.auction_bid_counts(s, [a.id for a in rows])
        return Page(
            items=[auction_out(a, counts.get(a.id, 0)) for a in rows],
            total=total,
            offset=paging.offset,
            limit=paging.limit,
        )


@router.get(
    "/auctions/{auction_id}",
    response_model=AuctionPublic,
    summary="An auction and, once closed, its result",
)
def get_auction(auction_id: ObjectId, request: Request, _: Anyone) -> Any:
    with work(request) as s:
        auction = s.get(MarketAuction, auction_id)
    if auction is None:
        raise not_found("auction", auction_id)
    return auction_out(auction, _bids(request, auction_id))


@router.get(
    "/auctions/{auction_id}/fills",
    response_model=list[AuctionFill],
    summary="A closed auction's fills at the clearing price and their settlement",
)
def auction_fills(auction_id: ObjectId, request: Request, p: Anyone) -> Any:
    with work(request) as s:
        auction = s.get(MarketAuction, auction_id)
        if auction is None:
            raise not_found("auction", auction_id)
        trades = repo.auction_fills(s, auction)

    def named(buyer: int) -> bool:
        return p is not None and (p.kind in SEES_ALL or p.org_id in (auction.seller_org, buyer))

    return [
        AuctionFill(
            trade_id=t.id,
            buyer_org=t.buyer_org if named(t.buyer_org) else None,
            bid_order_id=t.buy_order_id if named(t.buyer_org) else None,
            price=t.price,
            quantity=t.quantity,
            state=t.state,
            tx_hash=t.tx_hash,
            block_number=t.block_number,
            settled_at=t.settled_at,
        )
        for t in trades
    ]


@router.post(
    "/auctions/{auction_id}/bids",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderPublic,
    summary="Bid (the coin is escrowed at the bid price)",
)
def bid(
    auction_id: ObjectId,
    body: BidCreate,
    request: Request,
    p: EnterpriseOnly,
    idem: Annotated[Idempotency, Depends(idempotent)],
) -> Any:
    order = market_of(request).bid(p, auction_id, body.price, body.quantity)
    with work(request) as s:
        audit.record(
            s, "market.bid", principal=p, request=request, target=f"market-auction:{auction_id}"
        )
    return idem.finish(order_out(order), 201)


AuctionCloser = Annotated[Principal, Depends(allow(Kind.ENTERPRISE, Kind.REGULATOR))]


@router.post(
    "/auctions/{auction_id}/close",
    response_model=AuctionPublic,
    summary="Close an auction (its seller or a regulator); fills settle on chain",
)
def close_auction(auction_id: ObjectId, request: Request, p: AuctionCloser) -> Any:
    auction = market_of(request).close_auction(p, auction_id)
    with work(request) as s:
        audit.record(
            s,
            "market.auction-closed",
            principal=p,
            request=request,
            target=f"market-auction:{auction_id}",
        )
    return auction_out(auction, _bids(request, auction_id))


# -- surveillance -----------------------------------------------------------------------------


@router.post(
    "/relations",
    status_code=status.HTTP_201_CREATED,
    response_model=RelationPublic,
    summary="Declare two organisations related (watched for wash trades)",
)
def relate(body: RelationCreate, request: Request, p: RegulatorOnly) -> Any:
    if body.org_a == body.org_b:
        raise Problem(
            422, "same-organisation", "name two different organisations", field="body:org_b"
        )
    with work(request) as s:
        for name in ("org_a", "org_b"):
            if s.get(Organisation, getattr(body, name)) is None:
                raise Problem(
                    404,
                    "not-found",
                    f"organisation {getattr(body, name)} does not exist",
                    field=f"body:{name}",
                )
        if repo.relation_between(s, body.org_a, body.org_b) is not None:
            raise conflict(
                "relation-exists",
                f"organisations {body.org_a} and {body.org_b} are already declared related",
                "body:org_b",
            )
        row = MarketRelation(org_a=body.org_a, org_b=body.org_b, note=body.note)
        s.add(row)
        s.flush()
        audit.record(
            s, "market.relation", principal=p, request=request, target=f"market-relation:{row.id}"
        )
        return relation_out(row)


def relation_out(r: MarketRelation) -> RelationPublic:
    return RelationPublic(
        id=r.id, org_a=r.org_a, org_b=r.org_b, note=r.note, created_at=r.created_at
    )


@router.get(
    "/relations",
    response_model=list[RelationPublic],
    summary="Organisations declared related, in the order declared",
)
def list_relations(request: Request, _: Supervisor) -> Any:
    with work(request) as s:
        return [relation_out(r) for r in repo.relations(s)]


@router.delete(
    "/relations/{relation_id}",
    response_model=RelationPublic,
    summary="Withdraw a declared relation (its trades are no longer flagged)",
)
def unrelate(relation_id: ObjectId, request: Request, p: RegulatorOnly) -> Any:
    with work(request) as s:
        row = s.get(MarketRelation, relation_id)
        if row is None:
            raise not_found("relation", relation_id)
        out = relation_out(row)
        s.delete(row)
        audit.record(
            s,
            "market.relation-withdrawn",
            principal=p,
            request=request,
            target=f"market-relation:{relation_id}",
            detail={"org_a": out.org_a, "org_b": out.org_b},
        )
        return out


@router.get("/surveillance/alerts", response_model=list[Alert], summary="Surveillance alerts")
def alerts(request: Request, _: Supervisor) -> Any:
    out: list[Alert] = []
    with work(request) as s:
        related = {frozenset((r.org_a, r.org_b)) for r in repo.relations(s)}
        for inst in repo.instruments(s):
            code = inst.code
            for t in repo.instrument_trades(s, code):
                if frozenset((t.buyer_org, t.seller_org)) in related:
                    out.append(
                        Alert(
                            kind="wash_trade",
                            instrument=code,
                            org_ids=[t.seller_org, t.buyer_org],
                            trade_id=t.id,
                            detail=f"trade {t.id}: {t.quantity} t at {t.price} between "
                            "organisations declared related",
                        )
                    )
            for t in repo.limit_trades(s, code):
                out.append(
                    Alert(
                        kind="price_limit",
                        instrument=code,
                        org_ids=[t.seller_org, t.buyer_org],
                        trade_id=t.id,
                        detail=f"trade {t.id} at {t.price}, a daily price limit",
                    )
                )
            for o in repo.cancelled_unfilled(s, code, inst.layering_alert_t):
                out.append(
                    Alert(
                        kind="layering",
                        instrument=code,
                        org_ids=[o.org_id],
                        order_id=o.id,
                        detail=f"order {o.id} of {o.quantity} t (≥ "
                        f"{inst.layering_alert_t} t) cancelled before any execution",
                    )
                )
            for org_id, held in repo.large_positions(s, inst.vintage, inst.position_alert_t):
                out.append(
                    Alert(
                        kind="position",
                        instrument=code,
                        org_ids=[org_id],
                        detail=f"holds {held} t of vintage {inst.vintage} (≥ "
                        f"{inst.position_alert_t} t)",
                    )
                )
    return out
