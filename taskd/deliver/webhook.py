"""Webhook: POST the run as JSON (CONTRACT §2) with `Idempotency-Key: <run_id>`; 2xx is delivered.

Works with ntfy-style endpoints too: `format = "text"` posts the message line as plain text with
a Title header instead of JSON.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

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

    def _request(self, message: Message) -> urllib.request.Request:
        headers = {"User-Agent": "taskd", "Idempotency-Key": message.idempotency_key, **self.headers}
        if self.format == "text":
            data = message.line().encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
            headers.setdefault("Title", message.title.encode("ascii", "replace").decode())
        else:
            data = json.dumps(message.body(), ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        return urllib.request.Request(self.url, data=data, headers=headers, method="POST")

    def send(self, message: Message) -> str:
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
