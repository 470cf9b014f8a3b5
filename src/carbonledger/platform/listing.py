"""Shared list parameters (pagination, sorting) and the page envelope."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from carbonledger.platform.errors import Problem

T = TypeVar("T")

MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


class Paging:
    def __init__(
        self,
        offset: Annotated[int, Query(ge=0, le=10**9, description="items to skip")] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = 50,
        sort: Annotated[
            str | None,
            Query(
                max_length=64,
                pattern=r"^-?[a-z_]+$",
                description="field to sort by; a leading '-' sorts descending",
            ),
        ] = None,
    ) -> None:
        self.offset = offset
        self.limit = limit
        self.sort = sort

    def apply(
        self,
        session: Session,
        query: Select[Any],
        sortable: dict[str, InstrumentedAttribute[Any]],
        default: str,
    ) -> tuple[list[Any], int]:
        """Run `query` for one page; returns (rows, total)."""
        key = self.sort or default
        desc = key.startswith("-")
        name = key.removeprefix("-")
        if name not in sortable:
            raise Problem(
                422,
                "invalid-sort",
                f"cannot sort by {name!r}; choose one of: {', '.join(sorted(sortable))}",
                field="query:sort",
                params={"sort": name, "allowed": ", ".join(sorted(sortable))},
            )
        column = sortable[name]
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        order = column.desc() if desc else column.asc()
        rows = list(
            session.execute(query.order_by(order).offset(self.offset).limit(self.limit)).scalars()
        )
        return rows, int(total)
