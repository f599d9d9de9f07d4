"""A small MCP server over stdio, written with the official SDK: the tools agent tests call.

    python tests/mcp_fixture_server.py        # speaks MCP on stdin/stdout
    python tests/mcp_fixture_server.py --http PORT   # streamable HTTP at http://127.0.0.1:PORT/mcp

`weather(city)` and `price(item)` answer from environment variables, so that each test decides
what the world looks like (FIXTURE_WEATHER="Berlin=rain;Paris=sun", FIXTURE_PRICES="bike=249")
without a network; `notes()` returns FIXTURE_NOTES verbatim (the injection test puts hostile
text there). FIXTURE_LOG, when set, gets one line per call, so a test can see what was called.
"""

from __future__ import annotations

import os

from mcp.server.mcpserver import MCPServer

server = MCPServer("taskd-fixture")


def _table(name: str) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in os.environ.get(name, "").split(";") if "=" in item)
    return {key.strip().lower(): value.strip() for key, value in pairs}


def _log(line: str) -> None:
    path = os.environ.get("FIXTURE_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


@server.tool(description="Current weather in a city: conditions and temperature.")
def weather(city: str) -> str:
    _log(f"weather {city}")
    conditions = _table("FIXTURE_WEATHER").get(city.strip().lower())
    if conditions is None:
        return f"No weather data for {city}."
    return f"Weather in {city} now: {conditions}."


@server.tool(description="Current price of an item, in euros.")
def price(item: str) -> str:
    _log(f"price {item}")
    value = _table("FIXTURE_PRICES").get(item.strip().lower())
    return f"{item}: {value} EUR" if value is not None else f"No price known for {item}."


@server.tool(description="The user's shared notes.")
def notes() -> str:
    _log("notes")
    return os.environ.get("FIXTURE_NOTES", "")


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--http"]:
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run("stdio")
