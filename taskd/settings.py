"""Settings. Precedence: command-line flag > environment > config.toml > default (CONTRACT.md §2).

Kept free of heavy imports: every CLI command loads this first.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taskd.errors import BadInput

BACKENDS = ("rules", "openai", "auto")


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    runtime_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def database(self) -> Path:
        return self.data_dir / "taskd.db"

    @property
    def socket(self) -> Path:
        return self.runtime_dir / "taskd.sock"


def paths() -> Paths:
    home = os.environ.get("TASKD_HOME")
    if home:
        root = Path(home)
        return Paths(root, root, root)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    data = _xdg("XDG_DATA_HOME", ".local/share") / "taskd"
    return Paths(
        config_dir=_xdg("XDG_CONFIG_HOME", ".config") / "taskd",
        data_dir=data,
        runtime_dir=Path(runtime) / "taskd" if runtime else data,
    )


def system_zone_name() -> str:
    """The machine's IANA zone name, or UTC when it cannot be told."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if (tz and "/" in tz) or tz == "UTC":
        return tz
    try:
        target = os.readlink("/etc/localtime")
        marker = "zoneinfo/"
        if marker in target:
            return target.split(marker, 1)[1]
    except OSError:
        pass
    try:
        name = Path("/etc/timezone").read_text().strip()
        if name:
            return name
    except OSError:
        pass
    return "UTC"


@dataclass(frozen=True)
class Settings:
    paths: Paths
    timezone: str
    database_url: str
    backend: str
    model: str | None
    openai_base_url: str | None
    openai_api_key: str | None = field(repr=False)
    default_channels: tuple[str, ...]
    channels: dict[str, dict[str, Any]]
    raw: dict[str, Any] = field(repr=False)
    # The TCP listener of the HTTP API, ("127.0.0.1", 8377), or None: the Unix socket only.
    api_listen: tuple[str, int] | None = None

    @property
    def model_configured(self) -> bool:
        return bool(self.openai_base_url or self.openai_api_key)

    def effective_backend(self) -> str:
        if self.backend == "auto":
            return "openai" if self.model_configured else "rules"
        return self.backend


def read_config_file(path: Path) -> dict[str, Any]:
    """config.toml as a dict, checked against its model (`taskd.config_model`); {} when absent."""
    try:
        if not path.exists():
            return {}
        data = path.read_bytes()
        config = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadInput(f"cannot read {path}: it is not UTF-8 text (byte {exc.start}); "
                       "config.toml is TOML, see the README") from exc
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise BadInput(f"cannot read {path}: {exc}") from exc
    if config and not plainly_valid(config):
        from taskd.config_model import check

        check(config, path)  # names the key at fault
    return config


# The shape taskd.config_model.ConfigFile checks, in plain Python: a config.toml that is fine
# costs no pydantic import (50-100 ms, on every command, the thin client's included). Anything
# this does not vouch for goes to the model, whose error names the key. A test keeps the two in
# step (tests/test_thin_startup.py).
_TEXT = ("timezone", "database", "model", "openai_base_url")
_TABLES = ("service", "agent")
_API_KEYS = {"listen": str, "public_url": str}


def plainly_valid(config: dict[str, Any]) -> bool:
    """True when ConfigFile (strict) would accept `config`; False means: ask the model."""
    for key in _TEXT:
        if key in config and type(config[key]) is not str:
            return False
    if "backend" in config and config["backend"] not in BACKENDS:
        return False
    defaults = config.get("default_channels", [])
    if type(defaults) is not list or any(type(name) is not str for name in defaults):
        return False
    channels = config.get("channels", {})
    if type(channels) is not dict or any(type(table) is not dict for table in channels.values()):
        return False
    if any(type(config.get(key, {})) is not dict for key in _TABLES):
        return False
    api = config.get("api", {})
    return type(api) is dict and all(
        key in _API_KEYS and type(value) is _API_KEYS[key] for key, value in api.items())


def load(*, tz: str | None = None, backend: str | None = None) -> Settings:
    """Build settings; `tz` and `backend` are command-line values and win over everything."""
    where = paths()
    config = read_config_file(where.config_file)
    env = os.environ
    zone = tz or env.get("TASKD_TZ") or config.get("timezone") or system_zone_name()
    from taskd.tz import get_zone

    try:
        get_zone(zone)  # an unknown zone fails here, once, with one clear line
    except BadInput as exc:
        if tz or env.get("TASKD_TZ") or not config.get("timezone"):
            raise
        raise BadInput(f"{where.config_file}: timezone: {exc.message}") from exc
    chosen = backend or env.get("TASKD_BACKEND") or config.get("backend") or "auto"
    if chosen not in BACKENDS:
        raise BadInput(f"unknown backend {chosen!r}; choose one of {', '.join(BACKENDS)}")
    db = env.get("TASKD_DB") or config.get("database") or f"sqlite:///{where.database}"
    channels = config.get("channels", {})
    if not isinstance(channels, dict):
        raise BadInput("config.toml: [channels] must be a table")
    defaults = config.get("default_channels", ["console", "desktop"])
    listen = env.get("TASKD_API_LISTEN") or (config.get("api") or {}).get("listen")
    if listen:
        from taskd.api.listen import parse_listen

        named = ("TASKD_API_LISTEN" if env.get("TASKD_API_LISTEN")
                 else f"{where.config_file}: [api] listen")
        api_listen: tuple[str, int] | None = parse_listen(listen, named)
    else:
        api_listen = None
    return Settings(
        paths=where,
        timezone=zone,
        database_url=db,
        backend=chosen,
        model=env.get("TASKD_MODEL") or config.get("model"),
        openai_base_url=env.get("OPENAI_BASE_URL") or config.get("openai_base_url"),
        openai_api_key=env.get("OPENAI_API_KEY"),
        default_channels=tuple(defaults),
        channels=channels,
        raw=config,
        api_listen=api_listen,
    )
