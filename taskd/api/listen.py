"""`[api] listen` / TASKD_API_LISTEN: "HOST:PORT" for the TCP listener. Light: settings use it.

Port 0 asks for any free port (tests); `taskd status --json` shows the one taken.
"""

from __future__ import annotations

import ipaddress

from taskd.errors import BadInput

EXAMPLE = '"127.0.0.1:8377"'


def parse_listen(text: str, where: str = "[api] listen") -> tuple[str, int]:
    """("127.0.0.1", 8377) from "127.0.0.1:8377"; IPv6 as "[::1]:8377"; "localhost" allowed."""
    value = text.strip()
    host, sep, port_text = value.rpartition(":")
    if not sep or not host:
        raise BadInput(f"{where} must be HOST:PORT, e.g. {EXAMPLE} (it is {text!r})")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host != "localhost":
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise BadInput(f"{where}: {host!r} is not an IP address; give one such as 127.0.0.1 "
                           f"(e.g. {EXAMPLE})") from None
    if not (port_text.isascii() and port_text.isdigit()) or int(port_text) > 65535:
        raise BadInput(f"{where}: the port {port_text!r} must be a number from 0 to 65535 "
                       f"(e.g. {EXAMPLE})")
    return host, int(port_text)


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
