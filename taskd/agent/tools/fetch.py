"""`fetch_url`: GET one page of an allowlisted host, reduced to text, size-capped.

The host must be on `[agent.fetch_url] hosts`; its name is resolved here and every address it
resolves to is checked: a private, loopback, link-local, multicast or reserved address is refused
unless `allow_private` lists it, and the connection goes to the checked address (so a DNS answer
cannot change between the check and the connect). Redirects are followed (at most 3), each one
checked the same way. Nothing but GET is ever sent; no cookies, no credentials.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from taskd.agent.tools import RESULT_CHARS, Call, ToolSpec
from taskd.agent.tools.config import FetchConfig

MAX_REDIRECTS = 3
SPEC = ToolSpec("fetch_url", "GET a web page (allowlisted hosts only) and return its text.",
                {"type": "object", "properties": {"url": {"type": "string"}}, "required": ["url"],
                 "additionalProperties": False}, "builtin")


class Refused(Exception):
    """A fetch taskd will not make, or that failed: one line for the run record."""


class _Text(HTMLParser):
    """HTML to plain text: script, style and the like dropped, block elements on their own line."""

    SKIP = frozenset({"script", "style", "noscript", "template", "svg"})
    BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                       "article", "table", "ul", "ol", "title", "header", "footer"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return "\n".join(line for line in lines if line)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text()


def _address(host: str, port: int, config: FetchConfig) -> str:
    """The one address to connect to, after checking every address the name resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Refused(f"cannot resolve {host}: {exc.strerror}") from None
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:  # ::ffff:10.0.0.1 is 10.0.0.1
            ip = ip.ipv4_mapped
        if not ip.is_global and not config.allows_address(str(ip)):
            raise Refused(f"{host} resolves to {ip}, a private or local address "
                          "(list it in [agent.fetch_url] allow_private to allow it)")
    return addresses[0]


class _Pinned(http.client.HTTPConnection):
    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(_Pinned):
    def connect(self) -> None:
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def _get(url: str, config: FetchConfig, deadline: float) -> tuple[str, str, bytes, bool]:
    """(final url, content type, body up to the cap, truncated)."""
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused(f"only http(s) URLs can be fetched, not {url[:80]!r}")
        if parts.username or parts.password:
            raise Refused("URLs with credentials are not fetched")
        host = parts.hostname
        if not config.allows_host(host):
            raise Refused(f"{host} is not in [agent.fetch_url] hosts")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        left = deadline - time.monotonic()
        if left <= 0:
            raise Refused(f"fetching took longer than {config.timeout:.0f}s")
        kind = _PinnedTLS if parts.scheme == "https" else _Pinned
        conn = kind(_address(host, port, config), host, port, left)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request("GET", path, headers={"User-Agent": "taskd-agent/1", "Accept": "text/*, */*",
                                               "Accept-Encoding": "identity"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location", ""))
                continue
            if response.status >= 400:
                raise Refused(f"{host} answered HTTP {response.status}")
            body = response.read(config.max_bytes + 1)
            return url, response.getheader("Content-Type", ""), body[:config.max_bytes], \
                len(body) > config.max_bytes
        except (OSError, http.client.HTTPException) as exc:
            raise Refused(f"fetching {host} failed: {exc}") from None
        finally:
            conn.close()
    raise Refused(f"more than {MAX_REDIRECTS} redirects")


def fetch(arguments: dict[str, Any], config: FetchConfig) -> Call:
    url = str(arguments.get("url", "")).strip()
    call = Call("fetch_url", {"url": url}, "builtin")
    started = time.monotonic()
    try:
        final, kind, body, truncated = _get(url, config, started + config.timeout)
        text = body.decode("utf-8", errors="replace")
        if "html" in kind.lower() or text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
            text = html_to_text(text)
        if truncated:
            text += f"\n[truncated at {config.max_bytes} bytes]"
        call.result_chars = len(text)
        call.result = text[:RESULT_CHARS]
        call.cite = final
    except Refused as exc:
        call.error = str(exc)
    call.ms = round((time.monotonic() - started) * 1000)
    return call
