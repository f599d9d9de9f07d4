"""extract: one line of text -> a Draft.

Backends: `rules` (offline, deterministic, the default) and `openai` (any OpenAI-compatible
endpoint). Each is imported only when chosen, so the CLI stays fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from taskd.errors import BadInput
from taskd.extract.lazy_pattern import lazy
from taskd.terminal import STEERING

if TYPE_CHECKING:
    from taskd.draft import Draft
    from taskd.resolve.dayparts import TimePref
    from taskd.settings import Settings

MAX_TEXT = 2000


class Extractor(Protocol):
    name: str

    def extract(self, text: str, *, now: datetime, tz: str,
                prefs: Mapping[str, TimePref] | None = None) -> Draft:
        """Read `text` as said at the aware instant `now` by a user in zone `tz`."""
        ...


_CONTROL = lazy(f"[{STEERING}]")
# A control character, a bidi override or white space other than the space (all that str.split
# splits at).
_CONTROL_OR_ODD_SPACE = lazy(
    f"[{STEERING}\t\n\r\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def clean_text(text: str, what: str = "text") -> str:
    """The checks every backend shares: bad input stops here, before any parsing or model call.

    Terminal escapes (C0 and C1 controls, DEL) and bidi overrides are refused, never stored;
    other white space becomes single spaces. `what` names the input in the error ("the title")."""
    # isprintable() is false for every character the regex finds (controls, bidi overrides and
    # white space other than the space) and costs a third of it: typed text nearly always passes it.
    if (text.isprintable() or _CONTROL_OR_ODD_SPACE.search(text) is None) and "  " not in text and \
            not text.startswith(" ") and not text.endswith(" "):
        stripped = text  # already single-spaced, as typed text nearly always is
    else:
        if _CONTROL.search(text):
            raise BadInput(f"the {what} contains control characters (or bytes that are not UTF-8); "
                           "give plain text")
        stripped = " ".join(text.split())
    if not stripped:
        if what != "text":
            raise BadInput(f"the {what} is empty")
        raise BadInput("the text is empty; say what and when, e.g. \"call mom tomorrow at 6pm\"")
    if len(stripped) > MAX_TEXT:
        raise BadInput(f"the {what} is {len(stripped)} characters; keep it under {MAX_TEXT}")
    return stripped


def get_extractor(backend: str, settings: Settings | None = None) -> Extractor:
    if backend == "rules":
        from taskd.extract.rules import RulesExtractor

        return RulesExtractor()
    if backend == "openai":
        from taskd.extract.model import ModelExtractor  # type: ignore[import-not-found]

        if settings is None:
            raise BadInput("the openai backend needs settings")
        return ModelExtractor(settings)  # type: ignore[no-any-return]
    raise BadInput(f"unknown backend {backend!r}")
