"""The `taskd` command. Thin: it parses options, calls the pipeline, and renders.

Heavy modules (sqlalchemy, openai, dateparser) are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from taskd import __version__
from taskd.errors import TaskdError, fault_line

# Every command, in the order a user meets them (not alphabetical): its module under taskd.cli
# and the first paragraph of its help. `taskd --help` prints from this table alone, and a command's
# module is imported only when that command runs, so that `--help` and each command pay only for
# their own imports. tests/test_thin_startup.py checks the table against the commands themselves.
COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("tasks", 'Add a task from one line of text ("move my gym reminder to 7pm" changes that '
                     "task)."),
    "parse": ("tasks", "Extract and resolve TEXT without storing it."),
    "list": ("tasks", "Tasks with their next fire times."),
    "show": ("tasks", "One task in full, with its next fire times and recent runs."),
    "edit": ("tasks", 'Change a task: by new text ("move it to 7pm" keeps the title), or by '
                      "--title / --at."),
    "pause": ("lifecycle", "Pause a task; runs due while paused are skipped."),
    "resume": ("lifecycle", "Resume a paused task."),
    "rm": ("lifecycle", "Delete a task (its history stays)."),
    "done": ("lifecycle", "Mark a task done (for a recurring task: this occurrence)."),
    "snooze": ("lifecycle", 'Remind again after DURATION (10m, 1h30m, "2 hours"; default: your '
                            "snooze preference)."),
    "history": ("lifecycle", "Runs: when scheduled, when fired, outcome, output (agent runs: "
                             "tokens and latency)."),
    "prefs": ("prefs", "What was learned about you, and why. `prefs set KEY VALUE` states a "
                       "value; it wins."),
    "eval": ("evals", "Run eval cases from FILES (JSON Lines) and score them."),
    "serve": ("service", "Run the service in the foreground (systemd runs this). Logs go to "
                         "stderr."),
    "status": ("service", "Is the service up? Tasks, next fire, last error. Exit 0 either way."),
    "run": ("service", "Fire a task now (through the service when it is up, else directly)."),
    "model": ("model", "A local model on loopback (Qwen2.5-Coder-1.5B-Instruct via llama.cpp), "
                       "for the openai backend."),
    "export": ("exchange", "Print every task, its schedule and state, and the preferences, to "
                           "stdout."),
    "import": ("exchange", "Add the tasks of a taskd export or a Taskwarrior `task export` file "
                           "(FILE, or - for stdin)."),
    "api": ("api", "The HTTP API of `taskd serve` (on its Unix socket; on TCP with `[api] "
                   "listen`)."),
    "mcp": ("mcp", "An MCP server on stdin/stdout: an agent adds and manages your tasks with "
                   "taskd's tools."),
}


class _LazyGroup(click.Group):
    """Lists every command from COMMANDS; imports a command's module only to run it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        import importlib

        module = importlib.import_module(f"taskd.cli.{entry[0]}")
        for command in module.COMMANDS:
            self.commands.setdefault(command.name, command)  # its siblings come along for free
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's own asks every command for its short help, importing them all: read the
        table instead (commands added with add_command keep click's way)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in COMMANDS:
                text = click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit)
            else:
                command = self.commands[name]
                if command.hidden:
                    continue
                text = command.get_short_help_str(limit)
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="taskd")
def cli() -> None:
    """taskd: tasks and reminders from one line of text.

    \b
      taskd add "remind me to call mom every Sunday at 6pm"
      taskd add "every weekday at 8am give me a news briefing"
      taskd list
      taskd serve        # the background service that fires them
    """


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
    except OSError as exc:  # the machine's fault (taskd.errors.FAULTS): what to fix, exit 1
        if (line := fault_line(exc)) is None:
            _internal(exc)
        _error_line(line)
        sys.exit(1)
    except Exception as exc:  # a bug: still one line, the traceback only on request
        _internal(exc)
    sys.exit(0)


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
