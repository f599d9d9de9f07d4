"""Which tools agent tasks may use, from config.toml. Nothing is on until it is configured here:

    [agent.mcp.weather]                      # an MCP server, by a name of your choice
    command = ["uvx", "some-weather-mcp"]    # stdio: the argv (never a shell); or
    url = "http://127.0.0.1:9000/mcp"        # streamable HTTP
    tools = ["weather"]                      # the only tools of it tasks may call
    env = { API_KEY_FILE = "~/.weather" }    # stdio only: extra environment
    provides = ["weather"]                   # optional: needs it covers besides its tool names

    [agent.fetch_url]                        # GET of allowlisted hosts, HTML reduced to text
    hosts = ["shop.example.org"]
    allow_private = []                       # private/loopback/link-local addresses allowed
    max_bytes = 200000
    timeout = 10

    [agent.checks.backups]                   # a task that names "backups" runs this first
    command = ["/usr/local/bin/check-backups"]
    timeout = 30

Read at `add` time too (to say when a task needs data no tool provides), so this module imports
nothing heavy and starts nothing.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from taskd.errors import BadInput

if TYPE_CHECKING:
    from taskd.agent.needs import Need
    from taskd.settings import Settings

_NAME = re.compile(r"^[A-Za-z][\w-]{0,39}$")


@dataclass(frozen=True)
class McpServer:
    name: str
    command: tuple[str, ...] = ()
    url: str | None = None
    tools: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    provides: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchConfig:
    hosts: tuple[str, ...]
    allow_private: tuple[str, ...] = ()
    max_bytes: int = 200_000
    timeout: float = 10.0
    provides: tuple[str, ...] = ()

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in {h.lower().rstrip(".") for h in self.hosts}

    def allows_address(self, address: str) -> bool:
        ip = ipaddress.ip_address(address)
        for entry in self.allow_private:
            try:
                if ip in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
        return False


@dataclass(frozen=True)
class CheckConfig:
    name: str
    command: tuple[str, ...]
    timeout: float = 30.0


@dataclass(frozen=True)
class ToolsConfig:
    mcp: tuple[McpServer, ...] = ()
    fetch: FetchConfig | None = None
    checks: tuple[CheckConfig, ...] = field(default=())

    @property
    def any(self) -> bool:
        return bool(self.mcp or self.fetch)

    def named_checks(self, text: str) -> list[CheckConfig]:
        """Checks a task names ("tell me if the backups check fails": backups)."""
        return [c for c in self.checks if re.search(rf"\b{re.escape(c.name)}\b", text, re.IGNORECASE)]

    def covers(self, need: Need, text: str) -> bool:
        """Can a configured tool provide `need` for a task with these words? Decided from the
        configuration alone (no server is started): an allowed MCP tool whose name says so, or
        whose server `provides` it; fetch_url when the task names a URL on its allowlist; a check
        the task names."""
        from taskd.agent.needs import hosts

        for server in self.mcp:
            if need.kind in server.provides:
                return True
            if any(set(re.split(r"[^a-z]+", tool.lower())) & need.vocabulary for tool in server.tools):
                return True
        if self.fetch is not None and (need.kind in self.fetch.provides
                                       or any(self.fetch.allows_host(h) for h in hosts(text))):
            return True
        return bool(self.named_checks(text))


def _strings(section: dict[str, Any], key: str, where: str, *, required: bool = False) -> tuple[str, ...]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) \
            or (required and not value):
        raise BadInput(f"config.toml {where} {key} must be a list of strings"
                       + (" (at least one)" if required else ""))
    return tuple(value)


def _seconds(section: dict[str, Any], key: str, where: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise BadInput(f"config.toml {where} {key} must be a positive number")
    return float(value)


def _table(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise BadInput(f"config.toml: {where} must be a table")
    return raw


def _mcp(name: str, raw: Any) -> McpServer:
    where = f"[agent.mcp.{name}]"
    section = _table(raw, where)
    if not _NAME.match(name):
        raise BadInput(f"config.toml {where}: a server name is letters, digits, - and _")
    command = _strings(section, "command", where) if "command" in section else ()
    url = section.get("url")
    if bool(command) == (url is not None):
        raise BadInput(f"config.toml {where} needs either command (an argv list) or url")
    if url is not None and (not isinstance(url, str) or not re.match(r"^https?://", url)):
        raise BadInput(f"config.toml {where} url must be an http(s) URL")
    env = _table(section.get("env", {}), f"{where} env")
    if not all(isinstance(v, str) for v in env.values()):
        raise BadInput(f"config.toml {where} env values must be strings")
    return McpServer(name, command, url, _strings(section, "tools", where, required=True),
                     tuple(sorted(env.items())), _strings(section, "provides", where))


def _fetch(raw: Any) -> FetchConfig:
    where = "[agent.fetch_url]"
    section = _table(raw, where)
    allow_private = _strings(section, "allow_private", where)
    for entry in allow_private:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise BadInput(f"config.toml {where} allow_private: {entry!r} is not an address or "
                           "network") from None
    max_bytes = section.get("max_bytes", 200_000)
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise BadInput(f"config.toml {where} max_bytes must be a positive whole number")
    return FetchConfig(_strings(section, "hosts", where, required=True), allow_private, max_bytes,
                       _seconds(section, "timeout", where, 10.0), _strings(section, "provides", where))


def _check(name: str, raw: Any) -> CheckConfig:
    where = f"[agent.checks.{name}]"
    section = _table(raw, where)
    if not _NAME.match(name):
        raise BadInput(f"config.toml {where}: a check name is letters, digits, - and _")
    return CheckConfig(name, _strings(section, "command", where, required=True),
                       _seconds(section, "timeout", where, 30.0))


def from_raw(raw: Any) -> ToolsConfig:
    agent = raw.get("agent", {}) if isinstance(raw, dict) else {}
    if not isinstance(agent, dict):
        return ToolsConfig()
    servers = _table(agent.get("mcp", {}), "[agent.mcp]")
    checks = _table(agent.get("checks", {}), "[agent.checks]")
    return ToolsConfig(
        mcp=tuple(_mcp(name, section) for name, section in servers.items()),
        fetch=_fetch(agent["fetch_url"]) if "fetch_url" in agent else None,
        checks=tuple(_check(name, section) for name, section in checks.items()))


def load(settings: Settings) -> ToolsConfig:
    return from_raw(settings.raw)
