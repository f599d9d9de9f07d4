"""The `taskd` command. Thin: it parses options, calls the pipeline, and renders.

Heavy modules (sqlalchemy, openai, dateparser) are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import sys

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
    for name in ("service", "model", "exchange"):
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
        exc.show()
        sys.exit(exc.exit_code)
    except TaskdError as exc:
        click.echo(f"taskd: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("taskd: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug: still one line, the traceback only on request
        if os.environ.get("TASKD_DEBUG"):
            raise
        click.echo(f"taskd: internal error: {type(exc).__name__}: {exc} "
                   "(set TASKD_DEBUG=1 for details)", err=True)
        sys.exit(1)
    sys.exit(0)
