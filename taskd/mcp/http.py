"""The hook the API's TCP listener mounts at /mcp, behind its bearer token (taskd.api.app
TCP_MOUNTS): an ASGI app with a `lifespan()` the listener runs for its whole life."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskd.mcp.server import McpHttp


def asgi_app(ctx: Any) -> McpHttp:
    """`ctx` is the service's taskd.api.context.ApiContext: its core wakes the engine on every
    write and fires `run_task` on the service's own engine."""
    from taskd.mcp.server import McpHttp

    return McpHttp(ctx.settings, ctx.clock, core=ctx.core)
