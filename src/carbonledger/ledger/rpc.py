"""Plain Ethereum JSON-RPC over HTTP (httpx); no node-specific API."""

from __future__ import annotations

import itertools
from typing import Any

import httpx


class RpcError(RuntimeError):
    """The node answered a JSON-RPC call with an error object."""

    def __init__(self, method: str, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{method}: {message} (code {code})")
        self.method = method
        self.code = code
        self.message = message
        self.data = data


class RpcClient:
    """A JSON-RPC 2.0 client for one node URL."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url
        self._http = httpx.Client(timeout=timeout)
        self._ids = itertools.count(1)

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        body = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params or []}
        reply = self._http.post(self.url, json=body)
        reply.raise_for_status()
        data = reply.json()
        if "error" in data:
            err = data["error"]
            raise RpcError(
                method, int(err.get("code", 0)), str(err.get("message")), err.get("data")
            )
        return data["result"]

    def batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        """Send several calls in one HTTP request; results in order, errors raised."""
        if not calls:
            return []
        first = next(self._ids)
        body = [
            {"jsonrpc": "2.0", "id": first + i, "method": m, "params": p}
            for i, (m, p) in enumerate(calls)
        ]
        for _ in calls[1:]:
            next(self._ids)
        reply = self._http.post(self.url, json=body)
        reply.raise_for_status()
        by_id = {item["id"]: item for item in reply.json()}
        out = []
        for i, (method, _) in enumerate(calls):
            item = by_id[first + i]
            if "error" in item:
                err = item["error"]
                raise RpcError(
                    method, int(err.get("code", 0)), str(err.get("message")), err.get("data")
                )
            out.append(item["result"])
        return out

    def close(self) -> None:
        self._http.close()
