"""Every problem code the API can answer with, and the values (``params``) each may carry.

A problem document (:mod:`carbonledger.platform.errors`) has a machine-readable ``code``;
the web UI shows the text of ``error.<code>`` in the user's language and falls back to the
English ``detail`` only for a code it does not know. So a code the back end raises without a
translation reaches a Chinese user in English. This module is the one list of codes, and
three checks keep it honest:

* ``tests/platform/test_problem_codes.py`` reads the source of the platform with ``ast``:
  every call that makes a problem (``Problem(...)``, ``conflict``, ``invalid``, ...) must
  name a registered code as a string literal — or be one of the few sites that pass on a
  code from the market engine's enums, which the test lists with the codes each can produce
  (and checks every enum member is registered). A registered code nothing raises fails too.
* :class:`~carbonledger.platform.errors.Problem` checks its code and params against this
  list when it is made; the test suite turns a mismatch into an error (in a server it is
  logged, and the problem still answers).
* The list is published in the OpenAPI document (``components.schemas.ProblemCode``, its
  ``x-params`` and ``ValidationType``), which ``make web-client`` copies into the web UI
  and ``make test`` checks for drift. A vitest (``web/src/lib/problems.test.ts``) fails
  when a code has no ``error.<code>`` text in zh-CN or en-US, when a translated detail
  (``error.<code>.detail``) uses a value the code never carries, or when a validation type
  has no ``validation.<type>`` text. Checking in the web UI reads the dictionaries as the
  compiler does, rather than parsing TypeScript from Python. The contracts' revert reasons
  (the ``reason`` of ``chain-rejected``, read from the Vyper sources by
  :mod:`carbonledger.contracts.reasons`) are published too (``ChainRevertReason``) and
  checked the same way for a ``revert.<contract>.<reason>`` text.

``params`` carry the values the English detail states (amounts, limits, names) so the UI can
put them into its own sentence. A param's name says its unit, and the UI formats it for
the locale and strips the suffix to name the placeholder (``lot_t`` → ``{lot}`` = "10 吨"):

``_t``            tonnes (int)
``_cents``        carbon coin in cents (int), shown as coin with two decimals
``_cents_per_t``  a price, cents of coin per tonne (int)
``_bps``          basis points (int), shown as a percentage
``_bytes``        a size in bytes (int)
otherwise         shown as it is (a name, an id, a year): str or int

A problem need not carry every param its code declares (a refusal found by the chain
rather than by the platform's own check knows fewer numbers); the UI uses the detailed
translation only when the problem carries all the values it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from carbonledger.contracts.reasons import revert_reasons

#: the unit suffixes of param names (longest first: ``_cents_per_t`` before ``_t``)
UNIT_SUFFIXES = ("_cents_per_t", "_cents", "_bytes", "_bps", "_t")


@dataclass(frozen=True, slots=True)
class Code:
    summary: str
    params: tuple[str, ...] = ()


def _c(summary: str, *params: str) -> Code:
    return Code(summary, params)


CODES: dict[str, Code] = {
    # -- any request ---------------------------------------------------------------------
    "invalid-input": _c(
        "the request is not valid; `errors` lists each field at fault with its `type`"
    ),
    "not-found": _c("the object does not exist or is not visible to you"),
    "method-not-allowed": _c("the path does not take this HTTP method"),
    "http-error": _c("another HTTP error"),
    "unauthorised": _c("sign in first"),
    "forbidden": _c("your role may not do this"),
    "internal-error": _c("an unexpected error; it was logged"),
    "value-out-of-range": _c("a value is out of the range the server stores"),
    "invalid-sort": _c("the list cannot be sorted by this key", "sort", "allowed"),
    "invalid-idempotency-key": _c("the Idempotency-Key header is empty or too long", "max"),
    "idempotency-key-reused": _c("the Idempotency-Key was used for a different request"),
    "request-in-progress": _c("a request with this Idempotency-Key is still being processed"),
    "file-too-large": _c("the upload is larger than the server accepts", "limit_bytes"),
    # -- the chain -----------------------------------------------------------------------
    "chain-rejected": _c(
        "the chain refused the change; `reason` is the contract's (see ChainRevertReason)",
        "reason",
    ),
    "chain-unavailable": _c("the chain did not answer"),
    "chain-not-configured": _c("this server runs without a chain"),
    "china-map-not-configured": _c("the operator has configured no reviewed map of China"),
    "client-custody": _c("the organisation signs its own transactions"),
    "no-chain-account": _c("the organisation has no chain account yet"),
    "invalid-transaction": _c("not a signed Ethereum transaction"),
    "not-your-account": _c("the transaction is signed by another account"),
    "transaction-rejected": _c("the chain node refused the transaction", "reason"),
    # -- accounts ------------------------------------------------------------------------
    "username-taken": _c("the username is taken", "username"),
    "weak-password": _c("the password is too short or only letters", "min_length"),
    "address-required": _c("an organisation that signs itself must give its chain address"),
    "address-not-allowed": _c("the platform creates the chain account; give no address"),
    "already-registered": _c("the credit code or address is registered already"),
    "not-pending": _c("the registration was decided already"),
    "not-active": _c("the enterprise is not approved yet"),
    "already-certified": _c("the enterprise is certified already"),
    "credit-code-mismatch": _c("the credit code differs from the registered one"),
    "credit-code-taken": _c("another organisation has this credit code"),
    "bad-credentials": _c("wrong username or password"),
    "awaiting-approval": _c("the registration waits for an admin's approval"),
    "account-disabled": _c("the account is suspended or disabled"),
    "token-revoked": _c("the sign-in was revoked"),
    "token-expired": _c("the token has expired"),
    "token-invalid": _c("the token is not valid"),
    "wrong-status": _c("the object's status does not allow this"),
    # -- registry ------------------------------------------------------------------------
    "receiver-not-active": _c("the receiver is not an active, certified organisation on chain"),
    "invalid-allocation-request": _c("the allocation request cannot be computed"),
    "insufficient-balance": _c(
        "you hold less than you asked to move or surrender",
        "have_t",
        "want_t",
        "have_cents",
        "want_cents",
    ),
    "block-not-held": _c("the offset block is retired or surrendered", "block"),
    "duplicate-reference": _c("the payment reference was used already", "reference"),
    "already-decided": _c("the withdrawal was decided already"),
    "project-exists": _c("the project is registered already", "project"),
    # -- compliance ----------------------------------------------------------------------
    "no-obligation": _c("no confirmed emission report for the year", "year"),
    "exceeds-obligation": _c("more than the remaining obligation", "year", "remaining_t", "want_t"),
    "vintage-not-eligible": _c(
        "allowances of this vintage do not count for the year", "vintage", "year"
    ),
    "offset-cap-exceeded": _c(
        "the offset credits would exceed the year's offset cap",
        "year",
        "cap_t",
        "share_bps",
        "left_t",
        "want_t",
    ),
    "not-in-deficit": _c("the enterprise is not in deficit for the year", "year"),
    # -- MRV -----------------------------------------------------------------------------
    "calculation-failed": _c("the activity data cannot be calculated", "count"),
    "year-taken": _c("the enterprise has a report for the year already", "year"),
    "workbook-invalid": _c("the Excel workbook has problems", "count"),
    "already-corrected": _c("the report has a correction already"),
    "no-encryption-key": _c("the organisation has no encryption key"),
    "no-data-key": _c("the evidence file has no key for its owner"),
    "evidence-missing": _c("the stored evidence file is missing"),
    "quality-errors": _c("data-quality errors block submitting", "count"),
    "evidence-required": _c("upload at least one evidence file before submitting"),
    "recomputation-failed": _c("the stored document no longer calculates"),
    # -- market --------------------------------------------------------------------------
    "market-not-running": _c("the market service is not running"),
    "instrument-exists": _c("the instrument is listed already", "instrument"),
    "market-closed": _c("the instrument is not trading now", "instrument"),
    "bad-quantity": _c("the quantity is not a positive whole number of tonnes", "filled_t"),
    "bad-lot": _c("the quantity is not a multiple of the lot", "quantity_t", "lot_t"),
    "bad-tick": _c(
        "the price is not on the instrument's tick", "price_cents_per_t", "tick_cents_per_t"
    ),
    "price-limit": _c(
        "the price is outside today's limits",
        "price_cents_per_t",
        "low_cents_per_t",
        "high_cents_per_t",
    ),
    "missing-price": _c("a limit order needs a price"),
    "unexpected-price": _c("a market order takes no price"),
    "no-protective-price": _c("no price limits yet: a market order cannot be escrowed"),
    "insufficient-allowances": _c("not enough allowances to escrow the sell order", "quantity_t"),
    "insufficient-coin": _c("not enough carbon coin to escrow the buy order", "amount_cents"),
    "fok-not-fillable": _c("a fill-or-kill order cannot be filled in full now", "quantity_t"),
    "not-cancellable": _c("the order is filled or cancelled already"),
    "settlement-pending": _c("trades of the order are still settling"),
    "order-not-open": _c("the order is not open"),
    "no-change": _c("the amendment changes neither price nor quantity"),
    "bad-account": _c("the engine got an empty account"),
    "unknown-instrument": _c("no such instrument is listed", "instrument"),
    "unknown-order": _c("the order is not resting in any book"),
    "not-owner": _c("the order belongs to another account"),
    "deal-not-open": _c("the negotiated deal is not open"),
    "below-minimum": _c("the quantity is below the minimum block trade", "quantity_t", "minimum_t"),
    "outside-band": _c(
        "the price is outside the block trade band",
        "price_cents_per_t",
        "low_cents_per_t",
        "high_cents_per_t",
    ),
    "no-reference-price": _c("no previous close yet, so no block trade band applies"),
    "same-account": _c("buyer and seller are the same account"),
    "same-organisation": _c("two different organisations are needed"),
    "auction-closed": _c("the auction is closed"),
    "self-trade": _c("a seller cannot bid in its own auction"),
    "relation-exists": _c("the two organisations are already declared related"),
    "no-settings": _c("the request changes no setting"),
}

#: The validation error types (pydantic's ``type`` in ``errors[]``) the request models can
#: produce, with the values of their ``ctx`` the platform passes on as ``params``, and the
#: rules the platform checks itself (``errors.invalid(..., type=...)``, with their params
#: named as the codes' are). The web UI shows ``validation.<type>`` for each (or a field's
#: own ``validation.<field>.<type>``).
VALIDATION_TYPES: dict[str, tuple[str, ...]] = {
    "missing": (),
    "extra_forbidden": (),
    "string_type": (),
    "string_too_short": ("min_length",),
    "string_too_long": ("max_length",),
    "string_pattern_mismatch": ("pattern",),
    "int_type": (),
    "int_parsing": (),
    "int_from_float": (),
    "float_type": (),
    "float_parsing": (),
    "decimal_type": (),
    "decimal_parsing": (),
    "bool_type": (),
    "bool_parsing": (),
    "greater_than": ("gt",),
    "greater_than_equal": ("ge",),
    "less_than": ("lt",),
    "less_than_equal": ("le",),
    "multiple_of": ("multiple_of",),
    "finite_number": (),
    "literal_error": ("expected",),
    "enum": ("expected",),
    "list_type": (),
    "too_short": ("min_length",),
    "too_long": ("max_length",),
    "dict_type": (),
    "model_type": (),
    "model_attributes_type": (),
    "date_type": (),
    "date_parsing": (),
    "date_from_datetime_parsing": (),
    "datetime_type": (),
    "datetime_parsing": (),
    "datetime_from_date_parsing": (),
    "timezone_aware": (),
    "json_invalid": (),
    "value_error": (),
    "assertion_error": (),
    "bytes_type": (),
    "url_parsing": (),
    # -- the platform's own rules (``invalid(..., type=...)``) ---------------------------
    "utf8_too_long": ("size", "max_length"),  # bytes in UTF-8, as the chain stores them
    "not_an_enterprise": ("org",),
    "not_a_finance_institution": ("org",),
    "not_an_enterprise_or_finance": ("org",),
    "not_a_verifier": ("org",),
    "verifier_not_active": ("org",),
    "self_transfer": (),
    "unknown_project": ("project",),
    "duplicate_organisation": ("org",),
    "amount_or_request": (),
    "year_mismatch": ("year", "vintage"),
    "no_allocation_figure": (),
    "nothing_to_allocate": ("figure_t",),
    "correction_year": ("year",),
    "block_or_serials": (),
    "range_reversed": ("first", "last"),
}


def validation_problems_with(type_: str | None, params: Mapping[str, Any] | None) -> list[str]:
    """What is wrong with an ``errors[]`` entry of ``type_`` carrying ``params``."""
    if type_ is None:
        return ["an invalid-input problem must name its validation type"]
    declared = VALIDATION_TYPES.get(type_)
    if declared is None:
        return [f"validation type {type_!r} is not registered in {__name__}.VALIDATION_TYPES"]
    out = []
    for name, value in (params or {}).items():
        if name not in declared:
            out.append(f"validation type {type_!r} declares no param {name!r}")
        elif not isinstance(value, str | int) or isinstance(value, bool):
            out.append(f"param {name!r} of {type_!r} must be a str or an int, not {value!r}")
    return out


def placeholder(name: str) -> str:
    """The name a translation uses for a param: the param's name without its unit."""
    for suffix in UNIT_SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def problems_with(code: str, params: Mapping[str, Any] | None) -> list[str]:
    """What is wrong with a problem of ``code`` carrying ``params`` (empty when all is well)."""
    spec = CODES.get(code)
    if spec is None:
        return [f"problem code {code!r} is not registered in {__name__}.CODES"]
    out = []
    for name, value in (params or {}).items():
        if name not in spec.params:
            out.append(f"problem code {code!r} declares no param {name!r}")
        elif name.endswith(UNIT_SUFFIXES):
            if type(value) is not int:
                out.append(f"param {name!r} of {code!r} must be an int, not {value!r}")
        elif not isinstance(value, str | int) or isinstance(value, bool):
            out.append(f"param {name!r} of {code!r} must be a str or an int, not {value!r}")
    return out


def pick(code: str, **candidates: Any) -> dict[str, Any]:
    """The candidates that ``code`` declares as params (for a site that passes on a code it
    does not know in advance, e.g. the matching engine's refusals)."""
    spec = CODES.get(code)
    declared = spec.params if spec else ()
    return {k: v for k, v in candidates.items() if k in declared and v is not None}


def openapi_schemas() -> dict[str, Any]:
    """The codes and the problem document as OpenAPI components."""
    return {
        "ProblemCode": {
            "title": "ProblemCode",
            "type": "string",
            "description": "The machine-readable code of a problem document. `x-params` "
            "names the values each code may carry in `params`; a name's suffix gives its "
            "unit (_t tonnes, _cents coin cents, _cents_per_t a price, _bps basis points, "
            "_bytes).",
            "enum": sorted(CODES),
            "x-params": {code: list(spec.params) for code, spec in sorted(CODES.items())},
            "x-summaries": {code: spec.summary for code, spec in sorted(CODES.items())},
        },
        "ValidationType": {
            "title": "ValidationType",
            "type": "string",
            "description": "The `type` of an entry in the `errors` of an `invalid-input` "
            "problem (pydantic's error types); `x-params` names its `params`.",
            "enum": sorted(VALIDATION_TYPES),
            "x-params": {t: list(p) for t, p in sorted(VALIDATION_TYPES.items())},
        },
        "ChainRevertReason": {
            "title": "ChainRevertReason",
            "type": "string",
            "description": "The revert reasons the contracts can give: the `reason` of a "
            "`chain-rejected` problem is one of these (in English; the web UI translates "
            "them), or another text when the chain refused without a contract's reason.",
            "enum": list(revert_reasons()),
        },
        "FieldProblem": {
            "title": "FieldProblem",
            "type": "object",
            "required": ["field", "message"],
            "properties": {
                "field": {"type": "string", "description": "e.g. `body:facilities.0.name`"},
                "message": {"type": "string"},
                "type": {
                    "anyOf": [{"type": "string"}, {"type": "null"}],
                    "description": "a ValidationType, a rule's own code, or (for the "
                    "accounting engine's problems) the engine's code",
                },
                "params": {"type": "object", "additionalProperties": True},
                "message_zh": {
                    "type": "string",
                    "description": "the message in Chinese (zh-CN), when the server has it "
                    "(the accounting engine's problems); `message` is the English",
                },
                "hint": {"type": "string", "description": "what to do, in English"},
                "hint_zh": {"type": "string", "description": "what to do, in Chinese"},
            },
        },
        "Problem": {
            "title": "Problem",
            "type": "object",
            "description": "An RFC 9457 problem document (`application/problem+json`).",
            "required": ["type", "title", "status", "detail", "code"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string", "description": "in English, for API users"},
                "code": {"$ref": "#/components/schemas/ProblemCode"},
                "instance": {"type": "string"},
                "field": {"type": "string"},
                "params": {
                    "type": "object",
                    "description": "the values the detail states, by name (see ProblemCode)",
                    "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                },
                "errors": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/FieldProblem"},
                },
            },
        },
    }
