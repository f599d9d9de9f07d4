"""The web page `taskd serve` shows at `/`, for the service's app (taskd.api.app.ROUTERS).

Light on purpose: importing this package loads neither FastAPI nor Jinja2; `router(ctx)` does.
"""

from __future__ import annotations

from typing import Any

# The page checks the token itself on TCP (the bearer header, or the cookie that `/?token=…`
# sets, see taskd.web.auth), so the API's header-only guard lets these paths through to it.
PUBLIC_PATHS = (r"/", r"/web/.+")


def router(ctx: Any = None) -> Any:
    """The page's APIRouter (taskd.web.routes.router). It reads the core and the token from
    `request.app.state.taskd` (taskd.api.context.ApiContext: `.core`, `.token`)."""
    del ctx  # read per request, so one router serves any app that sets app.state.taskd
    from taskd.web.routes import router as page_router

    return page_router
