"""Webhook: POST the run as JSON (CONTRACT §2) with `Idempotency-Key: <run_id>`; 2xx is delivered.

Works with ntfy-style endpoints too: `format = "text"` posts the message line as plain text with
a Title header instead of JSON, and the answer links as ntfy's `X-Actions` buttons.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from taskd.deliver.base import DeliveryError, option

if TYPE_CHECKING:
    from taskd.fire.message import Message

# Answers worth retrying: the receiver is busy or briefly broken. Any other 4xx is our fault.
RETRYABLE = {408, 425, 429}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirected POST silently turns into a GET in urllib; treat a redirect as an error instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookChannel:
    def __init__(self, name: str, config: dict[str, Any]) -> None:
        self.name = name
        url = option(config, "url", None, str)
        if not url or not url.startswith(("http://", "https://")):
            raise DeliveryError(f"channel {name}: url must be http:// or https://", retry=False)
        self.url: str = url
        self.timeout = float(option(config, "timeout", 10.0, float))
        self.retries = int(option(config, "retries", 4, int))
        self.backoff = float(option(config, "backoff", 2.0, float))
        self.format = option(config, "format", "json", str)
        self.headers: dict[str, str] = {str(k): str(v) for k, v in
                                         (option(config, "headers", {}, dict) or {}).items()}
        self._opener = urllib.request.build_opener(_NoRedirect)
        # One kept-alive connection per delivery thread: a burst of due runs costs one TCP (and
        # TLS) handshake per thread, not per run. Through a proxy, urllib does the sending.
        self._local = threading.local()
        parts = urlsplit(self.url)
        self._proxied = bool(urllib.request.getproxies().get(parts.scheme)) and not \
            urllib.request.proxy_bypass(parts.hostname or "")
        self._target = (parts.scheme, parts.hostname or "", parts.port,
                        (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))

    def _request(self, message: Message) -> urllib.request.Request:
        headers = {"User-Agent": "taskd", "Idempotency-Key": message.idempotency_key, **self.headers}
        if self.format == "text":
            data = message.line().encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
            headers.setdefault("Title", message.title.encode("ascii", "replace").decode())
            from taskd.deliver.actions import ntfy_header

            if (buttons := ntfy_header(message.actions)) and not {"X-Actions", "Actions"} & \
                    {k.title() for k in headers}:
                headers["X-Actions"] = buttons  # ntfy shows these as buttons that POST
        else:
            data = json.dumps(message.body(), ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        return urllib.request.Request(self.url, data=data, headers=headers, method="POST")

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            scheme, host, port, _ = self._target
            if scheme == "https":
                import ssl

                conn = http.client.HTTPSConnection(host, port, timeout=self.timeout,
                                                   context=ssl.create_default_context())
            else:
                conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _post(self, request: urllib.request.Request) -> int:
        headers = {name.title(): value for name, value in request.header_items()}  # as urllib
        for reused in (True, False):
            conn = self._connection()
            fresh = conn.sock is None
            try:
                conn.request("POST", self._target[3], body=request.data, headers=headers)
                answer = conn.getresponse()
                answer.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._drop()
                if reused and not fresh:  # the receiver closed an idle kept-alive connection
                    continue
                raise
            except (OSError, http.client.HTTPException):
                self._drop()
                raise
            if answer.will_close:
                self._drop()
            return answer.status
        raise AssertionError("unreachable")

    def send(self, message: Message) -> str:
        if not self._proxied:
            try:
                status = self._post(self._request(message))
            except (OSError, http.client.HTTPException, ValueError) as exc:
                raise DeliveryError(f"{self.url}: {exc}") from exc
            if not 200 <= status < 300:
                retry = status >= 500 or status in RETRYABLE
                raise DeliveryError(f"HTTP {status} from {self.url}", retry=retry)
            return f"HTTP {status}"
        try:
            with self._opener.open(self._request(message), timeout=self.timeout) as answer:
                status = answer.status
        except urllib.error.HTTPError as exc:
            retry = exc.code >= 500 or exc.code in RETRYABLE
            raise DeliveryError(f"HTTP {exc.code} from {self.url}", retry=retry) from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"{self.url}: {reason}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status} from {self.url}", retry=status >= 500)
        return f"HTTP {status}"
