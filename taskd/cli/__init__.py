"""The `taskd` command. Thin: it parses options, calls the pipeline, and renders.

Heavy modules (sqlalchemy, openai, dateparser) are imported inside the commands that need them.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import NoReturn

import click

from taskd import __version__
from taskd.errors import TaskdError


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in the order a user meets them, not alphabetical


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="taskd")
def cli() -> None:
    """taskd: tasks and reminders from one line of text.

    \b
      taskd add "remind me to call mom every Sunday at 6pm"
      taskd add "every weekday at 8am give me a news briefing"
      taskd list
      taskd serve        # the background service that fires them
    """


def _register() -> None:
    from taskd.cli import evals, lifecycle, prefs, tasks

    for module in (tasks, lifecycle, prefs, evals):
        for command in module.COMMANDS:
            cli.add_command(command)
    import importlib

    # Command families that arrive with their subsystems (the service, the local model).
    for name in ("service", "model", "exchange", "api", "mcp"):
        try:
            module = importlib.import_module(f"taskd.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"taskd.cli.{name}":
                raise
            continue
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main(args: list[str] | None = None, obj: dict[str, object] | None = None) -> None:
    """Entry point: documented errors become one line on stderr and their exit code.

    `obj` is the test seam: {"clock": FakeClock(...)} freezes time for every command.
    """
    try:
        cli.main(args=args, standalone_mode=False, prog_name="taskd", obj=obj)
    except click.exceptions.Abort:
        click.echo("taskd: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        _error_line(_usage_line(exc))
        sys.exit(exc.exit_code)
    except TaskdError as exc:
        _error_line(exc.message)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("taskd: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:
        if exc.errno not in _FAULTS:
            _internal(exc)
        where = f" ({exc.filename})" if exc.filename else ""
        _error_line(f"{_FAULTS[exc.errno]}{where}")
        sys.exit(1)
    except Exception as exc:  # a bug: still one line, the traceback only on request
        _internal(exc)
    sys.exit(0)


# Faults of the machine, not of taskd, wherever they strike (the lock file, a log, the socket):
# what to fix, exit 1 (4 is for what cannot be reached).
_FAULTS = {
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "the disk quota is used up; free some space and try again",
    errno.EROFS: "taskd cannot write here: the file system is read-only",
    errno.EACCES: "permission denied; check the owner and mode of the file",
}


def _internal(exc: Exception) -> NoReturn:
    if os.environ.get("TASKD_DEBUG"):
        raise exc
    _error_line(f"internal error: {type(exc).__name__}: {exc} (set TASKD_DEBUG=1 for details)")
    sys.exit(1)


def _usage_line(exc: click.ClickException) -> str:
    """A usage error in one line, with where to read more (click's own takes three)."""
    message = exc.format_message()
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        return f"{message} (see `{ctx.command_path} --help`)"
    return message


def _error_line(message: str) -> None:
    """Every error is one line on stderr: no secret, no terminal escape, no line break."""
    from taskd.redact import redact
    from taskd.terminal import shown

    click.echo(f"taskd: {shown(redact(message))}", err=True)
