"""The API inside `taskd serve`: its context built from the running Service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from taskd.api.context import ApiContext

if TYPE_CHECKING:
    from taskd.schedule.service import Service


def make_core(service: Service) -> Any:
    """The core with the service's own hooks: a write wakes the engine at once (no socket round
    trip to itself), and `run` fires through the engine that holds the claims."""

    def fire(task_id: int) -> int:
        assert service.engine is not None
        run_id = service.engine.fire_manual(task_id)
        service.poke()
        return run_id

    from taskd.core import Core

    return Core(service.settings, service.clock, on_change=service.poke, fire=fire)


def api_context(service: Service) -> ApiContext:
    ctx = ApiContext(settings=service.settings, clock=service.clock, core=make_core(service),
                     poke=service.poke, live=service.status)
    service.api_places = ctx.places  # filled when the listeners are bound; status shows them
    return ctx


def reload(ctx: ApiContext, service: Service) -> None:
    """SIGHUP: the API answers with the new settings too (channels, zone, backend), and takes a
    token rotated on disk (the listeners themselves are kept: a new `listen` needs a restart)."""
    ctx.settings = service.settings
    ctx.core = make_core(service)
    if ctx.token is not None:
        from taskd.api.token import read_token

        ctx.token = read_token(service.settings) or ctx.token
