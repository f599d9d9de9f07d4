"""mcp: taskd's tools for AI agents, as an MCP server on stdin/stdout (CONTRACT.md §7)."""

from __future__ import annotations

import click

from taskd.cli.common import clock, load_settings


@click.command(name="mcp")
def mcp_command() -> None:
    """An MCP server on stdin/stdout: an agent adds and manages your tasks with taskd's tools.

    \b
    Claude Desktop, Cursor and other MCP clients start it as a command:
      {"mcpServers": {"taskd": {"command": "taskd", "args": ["mcp"]}}}
    """
    from taskd.mcp.server import run_stdio

    run_stdio(load_settings(), clock())


COMMANDS = [mcp_command]
