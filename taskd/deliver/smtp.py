"""Email over SMTP. STARTTLS when the server offers it (or always, with starttls = "require").

The password comes from $TASKD_SMTP_PASSWORD or from `password_file`, which must be mode 0600:
a secret that other users can read is refused rather than used.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import stat
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskd.deliver.base import DeliveryError, option

if TYPE_CHECKING:
    from taskd.fire.message import Message


def read_password(config: dict[str, Any]) -> str | None:
    env = os.environ.get("TASKD_SMTP_PASSWORD")
    if env:
        return env
    path = config.get("password_file")
    if not path:
        return None
    file = Path(str(path)).expanduser()
    try:
        mode = stat.S_IMODE(file.stat().st_mode)
        if mode & 0o077:
            raise DeliveryError(f"{file} is mode {mode:o}; make it 0600", retry=False)
        return file.read_text().strip()
    except OSError as exc:
        raise DeliveryError(f"cannot read {file}: {exc.strerror}", retry=False) from exc


class EmailChannel:
    def __init__(self, name: str, config: dict[str, Any]) -> None:
        self.name = name
        self.to = option(config, "to", None, str)
        if not self.to:
            raise DeliveryError(f"channel {name}: `to` is required", retry=False)
        self.sender = option(config, "from", "taskd@localhost", str)
        self.host = option(config, "smtp_host", "127.0.0.1", str)
        self.port = int(option(config, "smtp_port", 25, int))
        self.user = option(config, "smtp_user", None, str)
        self.starttls = str(config.get("starttls", "auto")).lower()  # auto | require | never
        self.timeout = float(option(config, "timeout", 20.0, float))
        self.retries = int(option(config, "retries", 3, int))
        self.backoff = float(option(config, "backoff", 5.0, float))
        self.config = config

    def _email(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = f"⏰ {message.title}" + (" (late)" if message.late else "")
        mail["From"] = self.sender
        mail["To"] = self.to
        # A stable Message-ID per run lets mail clients fold a re-sent run into one message.
        mail["Message-ID"] = f"<taskd-run-{message.run_id}@taskd.local>"
        mail["X-Taskd-Run"] = message.idempotency_key
        links = "".join(f"{link.label}: {link.url}\n" for link in message.actions if link.url)
        mail.set_content(f"{message.line()}\n\nscheduled for {message.scheduled_for.isoformat()}\n"
                         f"fired at {message.fired_at.isoformat()}\n"
                         + (f"\n{links}(each link opens a page with a button)\n" if links else ""))
        return mail

    def send(self, message: Message) -> str:
        password = read_password(self.config)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                secure = False
                if self.starttls != "never" and smtp.has_extn("starttls"):
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                    secure = True
                elif self.starttls == "require":
                    raise DeliveryError(f"{self.host} does not offer STARTTLS", retry=False)
                if self.user and password:
                    if not secure and self.host not in ("127.0.0.1", "localhost", "::1"):
                        raise DeliveryError("refusing to send a password without TLS", retry=False)
                    smtp.login(self.user, password)
                refused = smtp.send_message(self._email(message))
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP login refused ({exc.smtp_code})", retry=False) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP {exc.smtp_code}", retry=exc.smtp_code < 500) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {exc}") from exc
        if refused:
            raise DeliveryError(f"recipients refused: {', '.join(refused)}", retry=False)
        return f"sent to {self.to}"
