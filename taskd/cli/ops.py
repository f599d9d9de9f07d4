"""Which object answers a command: the running service (thin, `taskd.cli.remote`) or a `Core`
in this process. Commands do not choose; `taskd.cli.common.make_core` asks here.

    service socket answers      -> RemoteCore: the service does the work, ~0.1 s a command
    no socket file              -> Core in process, as before the service existed
    a socket nobody answers on  -> the same, once a call finds nobody there
    a clock injected (tests)    -> Core in process: a service cannot follow a fake clock
    TASKD_THIN=0                -> Core in process (to compare, or to rule the service out)

The choice is made per call and costs nothing up front: RemoteCore connects when a method runs
and hands the call to the in-process Core when nothing answers (see remote.NotServed).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from taskd.clock import Clock, SystemClock

if TYPE_CHECKING:
    from taskd.cli.remote import RemoteCore
    from taskd.core import Core
    from taskd.settings import Settings


def thin_allowed(clock: Clock) -> bool:
    return type(clock) is SystemClock and os.environ.get("TASKD_THIN", "1") != "0"


def select(settings: Settings, clock: Clock, *, on_change: Callable[[], object] | None = None,
           fire: Callable[[int], int] | None = None) -> Core | RemoteCore:
    def changed() -> None:
        # Only a service that has a socket can be told (and telling loads the HTTP client).
        if on_change is not None and settings.paths.socket.exists():
            on_change()

    def local() -> Core:
        from taskd.core import Core

        return Core(settings, clock, on_change=changed, fire=fire)

    if not thin_allowed(clock) or not settings.paths.socket.exists():
        return local()  # no socket: no service, and no need to load the client
    from taskd.cli.remote import RemoteCore

    built: list[Core] = []

    def fallback() -> Any:
        if not built:
            built.append(local())
        return built[0]

    return RemoteCore(settings.paths.socket, settings=settings, fallback=fallback)
