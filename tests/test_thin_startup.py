"""What each command pays at start-up: `taskd --help` lists every command without importing one,
and with the service up the everyday commands are thin clients that import none of the heavy
modules (the service has them loaded already)."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from tests.conftest_service import ROOT, Serve, service_env, write_config

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "openai", "dateparser", "fastapi", "uvicorn")
# Run a command as `taskd` does, then say which heavy modules it had imported by the end.
PROBE = ("import sys, atexit, json\n"
         "heavy = set(sys.argv.pop(1).split(','))\n"
         "atexit.register(lambda: print('\\nMODULES ' + json.dumps(sorted("
         "{m.split('.')[0] for m in sys.modules} & heavy))))\n"
         "sys.argv[0] = 'taskd'\n"
         "from taskd.cli import main\n"
         "main()\n")


def imported(home: Path, *args: str, **env: str
             ) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, ",".join((*HEAVY, "rich")), *args],
                          env=service_env(home, **env), cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    line = done.stdout.rstrip().rsplit("\n", 1)[-1]
    assert line.startswith("MODULES "), (done.stdout, done.stderr)
    return done, json.loads(line.removeprefix("MODULES "))


def test_help_lists_every_command_in_order_with_its_own_short_help() -> None:
    from taskd.cli import COMMANDS, cli

    ctx = click.Context(cli)
    real: list[click.Command] = []
    for module in dict.fromkeys(entry[0] for entry in COMMANDS.values()):
        real += importlib.import_module(f"taskd.cli.{module}").COMMANDS
    assert [c.name for c in real] == list(COMMANDS), "COMMANDS must name each command once, in order"
    for command in real:
        assert command.name is not None
        listed = click.Command(command.name, help=COMMANDS[command.name][1])
        for limit in (40, 45, 60, 200):
            assert listed.get_short_help_str(limit) == command.get_short_help_str(limit)
        assert cli.get_command(ctx, command.name) is command


def test_help_imports_no_command_module_and_no_rich(tmp_path: Path) -> None:
    done, heavy = imported(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    assert "  add " in done.stdout and "  import " in done.stdout
    assert heavy == []
    code = ("import sys; from taskd.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('taskd.cli.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=service_env(tmp_path), check=True).stdout
    assert out.strip().rsplit("\n", 1)[-1] == "[]"


def test_the_thin_client_has_every_method_of_core_with_its_signature() -> None:
    from taskd.cli.remote import RemoteCore
    from taskd.core import Core

    plumbing = {"now", "changed", "db", "settings_for"}  # Core's own helpers, not operations
    # An answer link is its own HTTP request (the signed URL); no CLI command answers one.
    plumbing |= {"act", "check_answer"}
    for name, method in inspect.getmembers(Core, inspect.isfunction):
        if name.startswith("_") or name in plumbing:
            continue
        assert name in RemoteCore.__dict__, f"RemoteCore lacks {name}"
        ours = inspect.signature(inspect.unwrap(getattr(RemoteCore, name)))
        assert ours == inspect.signature(method), name


CONFIGS = [
    {}, {"timezone": "Europe/Paris"}, {"timezone": 5}, {"backend": "rules"}, {"backend": "gpt"},
    {"backend": ["rules"]}, {"default_channels": ["console", "hook"]}, {"default_channels": "hook"},
    {"default_channels": ["a", 1]}, {"channels": {"hook": {"type": "webhook"}}},
    {"channels": {"hook": "webhook"}}, {"channels": []}, {"service": {"poll": 5}},
    {"service": 5}, {"agent": []}, {"api": {"listen": "127.0.0.1:8377"}}, {"api": {"listne": "x"}},
    {"api": {"listen": 8377}}, {"api": "127.0.0.1:8377"}, {"database": "sqlite:////x.db"},
    {"model": True}, {"openai_base_url": ["x"]}, {"unknown_key": [1, {"x": 2}]},
    {"timezone": "UTC", "default_channels": [], "channels": {}, "api": {}},
]


@pytest.mark.parametrize("config", CONFIGS)
def test_the_plain_config_check_vouches_only_for_what_the_model_accepts(config: dict) -> None:  # type: ignore[type-arg]
    from taskd.config_model import ConfigFile
    from taskd.errors import BadInput
    from taskd.settings import plainly_valid

    try:
        from taskd.config_model import check

        check(config, Path("config.toml"))
        accepted = True
    except BadInput:
        accepted = False
    assert plainly_valid(config) == accepted
    # a field added to the model must be taught to the plain check too
    from taskd import settings

    known = {*settings._TEXT, *settings._TABLES, "backend", "default_channels", "channels", "api"}
    assert set(ConfigFile.model_fields) == known
    api = ConfigFile.model_fields["api"].annotation
    assert set(getattr(api, "__args__", (api,))[0].model_fields) == set(settings._API_KEYS)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("thin-home")
    write_config(home)  # a config.toml, as users have: it must not cost pydantic either
    serve = Serve(home)
    try:
        serve.wait_ready()
        yield home
    finally:
        serve.stop()


@pytest.mark.parametrize("args", [
    ("add", "call mom on 2030-01-05 at 9am"), ("list",), ("list", "--json"), ("show", "1"),
    ("parse", "water the plants every Monday at 8am"), ("status",), ("status", "--json"),
    ("add", "call mom"),  # a question (exit 3) comes back thin too
])
def test_with_the_service_up_commands_import_no_heavy_module(served: Path,
                                                              args: tuple[str, ...]) -> None:
    if args[0] != "add":
        imported(served, "add", "call mom on 2030-01-05 at 9am")
    done, heavy = imported(served, *args)
    assert done.returncode == (3 if args == ("add", "call mom") else 0), done.stderr
    assert [m for m in heavy if m != "rich"] == []


def test_without_a_service_the_same_command_works_in_process(tmp_path: Path) -> None:
    done, heavy = imported(tmp_path, "add", "call mom on 2030-01-05 at 9am")
    assert done.returncode == 0, done.stderr
    assert "#1" in done.stdout
    assert "sqlalchemy" in heavy  # the work was done here


def test_the_thin_client_schedules_in_its_own_zone_not_the_services(served: Path) -> None:
    """The service runs with TASKD_TZ=Europe/Berlin; a shell with another zone gets what the
    in-process CLI gives it: its own zone."""
    done, heavy = imported(served, "add", "call mom on 2030-01-05 at 9am", "--json",
                           TASKD_TZ="Asia/Tokyo")
    assert done.returncode == 0, done.stderr
    assert "sqlalchemy" not in heavy  # served by the service
    added = json.loads(done.stdout.rsplit("\nMODULES ", 1)[0])
    assert added["tz"] == "Asia/Tokyo" and added["next"] == ["2030-01-05T09:00:00+09:00"]
