"""Does a task need live or outside data (weather, prices, news, a web page, a feed, "has X
changed")? Decided from its words by code, as conditions are (taskd.agent.condition).

A model asked "is it raining in Berlin?" without a weather source answers anyway; code that knows
the task needs the weather can refuse to treat that answer as a finding. Each family is one small
recogniser over the words; `recognise` runs them all and returns what the task needs, in the
order first mentioned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from taskd.agent.files import mentioned as files_mentioned


@dataclass(frozen=True)
class Need:
    kind: str  # weather | prices | news | web | feed | change
    what: str  # for messages: "the weather"
    words: str  # the words that showed it
    vocabulary: frozenset[str]  # tool-name words that can provide it (an MCP tool "weather")


_URL = re.compile(r"\bhttps?://[^\s<>\"')\]]+", re.IGNORECASE)


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)


_WEATHER = _words(r"weather|forecast|rain(?:s|ing|y)?|snow(?:s|ing|y)?|umbrella|temperature|"
                  r"sunny|storm(?:s|y)?|windy|frost|hail|degrees|humid(?:ity)?")
_PRICES = _words(r"prices?|pric(?:ed|ing)|costs?|cheaper|expensive|on\s+sale|discount(?:ed)?|"
                 r"stock(?:s)?|shares?|exchange\s+rate|bitcoin|btc|eth|[A-Z]{3}/[A-Z]{3}|"
                 r"drops?\s+(?:below|under)|goes\s+(?:above|over)|rises?\s+above")
_NEWS = _words(r"news|headlines?|breaking|press\s+release")
_FEED = _words(r"rss|atom\s+feed|feeds?|podcast|new\s+(?:posts?|episodes?|releases?|videos?)")
_WEB = _words(r"web\s*(?:site|page)s?|homepage|on\s+the\s+web|blog")
# "has X changed", "whether X changed", "if X changes", "what changed on/at X", "any changes to X"
_CHANGE = re.compile(r"\b(?:ha(?:s|ve)\s+[\w\s'./-]{1,40}?\s+changed|(?:if|whether)\s+[\w\s'./-]{1,40}?"
                     r"\s+chang(?:es|ed)|what(?:'s|\s+has|\s+is)?\s+(?:changed|new)\s+(?:on|at|in)|"
                     r"any\s+changes?\s+(?:on|to|at|in))\b", re.IGNORECASE)


def _weather(text: str) -> Need | None:
    match = _WEATHER.search(text)
    return match and Need("weather", "the weather", match.group(0),
                          frozenset({"weather", "forecast", "rain", "temperature", "meteo"}))


def _prices(text: str) -> Need | None:
    match = _PRICES.search(text)
    return match and Need("prices", "prices", match.group(0),
                          frozenset({"price", "prices", "quote", "stock", "rate", "rates", "market"}))


def _news(text: str) -> Need | None:
    match = _NEWS.search(text)
    return match and Need("news", "the news", match.group(0),
                          frozenset({"news", "headlines", "search"}))


def _feed(text: str) -> Need | None:
    match = _FEED.search(text)
    return match and Need("feed", "a feed", match.group(0), frozenset({"feed", "rss", "fetch"}))


def _web(text: str) -> Need | None:
    match = _URL.search(text) or _WEB.search(text)
    return match and Need("web", "a web page", match.group(0),
                          frozenset({"fetch", "browse", "web", "url", "page"}))


def _change(text: str) -> Need | None:
    match = _CHANGE.search(text)
    if match is None:
        return None
    # "what changed in notes.md": a file taskd reads (taskd.agent.files) is the source, not the web.
    if files_mentioned(text) and not _URL.search(text):
        return None
    return Need("change", "what changed outside taskd", match.group(0),
                frozenset({"fetch", "diff", "status", "web"}))


RECOGNISERS: tuple[Callable[[str], Need | None], ...] = (_weather, _prices, _news, _feed, _web,
                                                          _change)


def recognise(text: str) -> list[Need]:
    """What outside data the task's words need, first mention first; [] when none."""
    found = [(text.lower().find(need.words.lower()), need)
             for need in (recognise_one(text) for recognise_one in RECOGNISERS) if need]
    return [need for _, need in sorted(found, key=lambda pair: pair[0])]


def urls(text: str) -> list[str]:
    return [m.group(0).rstrip(".,;:!?") for m in _URL.finditer(text)]


def hosts(text: str) -> list[str]:
    return [host for url in urls(text) if (host := (urlsplit(url).hostname or ""))]


def what(needs: list[Need]) -> str:
    """"the weather", "the weather and prices": the needs, in words."""
    names = [need.what for need in needs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
