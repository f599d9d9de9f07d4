"""export, import: the whole home as JSON (or the live tasks as iCalendar), and back."""

from __future__ import annotations

import sys

import click

from taskd.cli.common import db, emit_json, json_option, load_settings, notify_service, now
from taskd.errors import BadInput


@click.command("export")
@click.option("--all", "include_all", is_flag=True, help="Also deleted tasks and every past run.")
@click.option("--format", "fmt", type=click.Choice(["json", "ics"]), default="json",
              show_default=True, help="json: taskd's format (for import); ics: an iCalendar feed.")
def export(include_all: bool, fmt: str) -> None:
    """Print every task, its schedule and state, and the preferences, to stdout."""
    settings = load_settings()
    moment = now()
    with db(settings) as handle:
        if fmt == "ics":
            from taskd.exchange.ical import calendar

            sys.stdout.buffer.write(calendar(handle, moment))
            sys.stdout.flush()
            return
        from taskd.exchange.export import export_data

        emit_json(export_data(handle, moment, include_all=include_all))


@click.command("import")
@click.argument("source", type=click.Path(dir_okay=False, allow_dash=True))
@json_option
def import_(source: str, as_json: bool) -> None:
    """Add the tasks of a taskd export or a Taskwarrior `task export` file (FILE, or - for stdin).

    Tasks match on their uid, so importing the same file twice adds nothing."""
    settings = load_settings()
    try:
        with click.open_file(source, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {source}: {getattr(exc, 'strerror', None) or exc}") from None
    from taskd.exchange.load import import_text

    with db(settings, write=True) as handle:
        report = import_text(handle, text, tz=settings.timezone, now=now())
    if report.added:
        notify_service(settings)
    data = report.to_json()
    if as_json:
        emit_json(data)
        return
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(data["skipped"].items()))
    click.echo(f"imported {data['added']} task(s) from a {data['format']} file"
               f"; {data['existing']} already here" + (f"; skipped {skipped}" if skipped else ""))
    if data["runs"] or data["events"] or data["preferences"]:
        click.echo(f"  and {data['runs']} run(s), {data['events']} event(s), "
                   f"{data['preferences']} preference(s)")
    for item in data["untranslated"]:
        click.echo(f"  not translated: {item['title']!r} {item['field']}={item['value']!r}: {item['why']}")


COMMANDS = [export, import_]
