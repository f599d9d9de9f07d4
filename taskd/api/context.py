"""What the routes need from the service that serves them, in one object on `app.state.taskd`.

Optional routers (the web page, action links, MCP) reach it the same way:

    from taskd.api.context import ApiContext, context
    def route(ctx: Annotated[ApiContext, Depends(context)]): ctx.core.list_tasks()
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import HTTPConnection

from taskd.clock import Clock
from taskd.settings import Settings


@dataclass
class ApiContext:
    settings: Settings
    clock: Clock
    core: Any  # taskd.core.Core, built with on_change = wake the engine, fire = its manual fire
    poke: Callable[[], None] = lambda: None
    live: Callable[[], dict[str, Any]] = dict  # the service's own part of `status`
    places: dict[str, str | None] = field(default_factory=dict)  # {"socket": ..., "url": ...}
    token: str | None = None  # the bearer token the TCP listener wants; None: TCP is off
    # Paths that skip the bearer token on TCP because they carry their own proof (signed action
    # links); regexes matched against the whole path, contributed by optional routers.
    public: list[re.Pattern[str]] = field(default_factory=list)

    def status(self) -> dict[str, Any]:
        """`taskd status --json` as the running service sees it: up, by definition."""
        from taskd.redact import redact

        live = self.live()
        data: dict[str, Any] = {"up": True, "pid": os.getpid(),
                                "socket": str(self.settings.paths.socket),
                                "database": redact(self.settings.database_url)}
        data.update(self.core.status())
        data.update(up=True, pid=os.getpid(), service=live, api=dict(self.places))
        data.pop("note", None)  # "holds the lock but does not answer": not while we answer
        if live.get("last_error"):
            data["last_error"] = live["last_error"]
        return data

    def is_public(self, path: str) -> bool:
        return any(pattern.fullmatch(path) for pattern in self.public)


def context(connection: HTTPConnection) -> ApiContext:
    """FastAPI dependency: the context of the app serving this request."""
    return connection.app.state.taskd  # type: ignore[no-any-return]
