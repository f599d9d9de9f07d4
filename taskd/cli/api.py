"""`taskd api token`: the bearer token of the TCP API (CONTRACT §6)."""

from __future__ import annotations

import click

from taskd.cli.common import emit_json, json_option, load_settings


@click.group()
def api() -> None:
    """The HTTP API of `taskd serve` (on its Unix socket; on TCP with `[api] listen`)."""


@api.command()
@json_option
def token(as_json: bool) -> None:
    """Print the bearer token of the TCP API, creating it on first use (file mode 0600).

    \b
    curl -H "Authorization: Bearer $(taskd api token)" http://127.0.0.1:8377/v1/tasks
    A calendar app may subscribe to http://127.0.0.1:8377/calendar.ics?token=TOKEN
    """
    from taskd.api.token import ensure_token, token_path

    settings = load_settings()
    value, created = ensure_token(settings)
    if as_json:
        from taskd.schedule.control import api_places

        emit_json({"token": value, "file": str(token_path(settings)), "created": created,
                   "url": api_places(settings)["url"]})
        return
    click.echo(value)
    if created:
        click.echo(f"taskd: made a new token in {token_path(settings)}; a running service "
                   "reads it at its next start", err=True)


COMMANDS = [api]
