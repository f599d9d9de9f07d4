"""Explicit time zones in the text: "9am Tokyo time", "3pm PST", "at 14:00 UTC".

Abbreviations map to the IANA zone most people mean (PST/PDT -> America/Los_Angeles; the zone's
own DST rules then apply, so "PST" in July is read as Los Angeles time, PDT). Abbreviations other
than UTC/GMT only count when written in capitals ("EST", not "est").
"""

from __future__ import annotations

import re

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.scan import BLANK, Found, Scan

ABBREVIATIONS = {
    "UTC": "UTC", "GMT": "UTC", "Z": "UTC",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles",
    "MST": "America/Denver", "MDT": "America/Denver", "MT": "America/Denver",
    "CST": "America/Chicago", "CDT": "America/Chicago", "CT": "America/Chicago",
    "EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York",
    "AKST": "America/Anchorage", "AKDT": "America/Anchorage", "HST": "Pacific/Honolulu",
    "BST": "Europe/London", "WET": "Europe/Lisbon", "WEST": "Europe/Lisbon",
    "CET": "Europe/Berlin", "CEST": "Europe/Berlin", "EET": "Europe/Athens",
    "EEST": "Europe/Athens", "MSK": "Europe/Moscow", "IST": "Asia/Kolkata",
    "JST": "Asia/Tokyo", "KST": "Asia/Seoul", "HKT": "Asia/Hong_Kong", "SGT": "Asia/Singapore",
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "ACST": "Australia/Adelaide",
    "AWST": "Australia/Perth", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
}

REGIONS = {
    "pacific": "America/Los_Angeles", "mountain": "America/Denver", "central": "America/Chicago",
    "eastern": "America/New_York", "central european": "Europe/Berlin",
    "utc": "UTC", "gmt": "UTC", "zulu": "UTC",
}

CITIES = {
    "tokyo": "Asia/Tokyo", "osaka": "Asia/Tokyo", "seoul": "Asia/Seoul",
    "beijing": "Asia/Shanghai", "shanghai": "Asia/Shanghai", "hong kong": "Asia/Hong_Kong",
    "singapore": "Asia/Singapore", "bangkok": "Asia/Bangkok", "jakarta": "Asia/Jakarta",
    "manila": "Asia/Manila", "taipei": "Asia/Taipei", "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata", "kolkata": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata", "india": "Asia/Kolkata", "dubai": "Asia/Dubai",
    "tel aviv": "Asia/Jerusalem", "jerusalem": "Asia/Jerusalem", "istanbul": "Europe/Istanbul",
    "moscow": "Europe/Moscow", "london": "Europe/London", "dublin": "Europe/Dublin",
    "lisbon": "Europe/Lisbon", "paris": "Europe/Paris", "berlin": "Europe/Berlin",
    "munich": "Europe/Berlin", "hamburg": "Europe/Berlin", "vienna": "Europe/Vienna",
    "zurich": "Europe/Zurich", "geneva": "Europe/Zurich", "rome": "Europe/Rome",
    "milan": "Europe/Rome", "madrid": "Europe/Madrid", "barcelona": "Europe/Madrid",
    "amsterdam": "Europe/Amsterdam", "brussels": "Europe/Brussels", "stockholm": "Europe/Stockholm",
    "oslo": "Europe/Oslo", "copenhagen": "Europe/Copenhagen", "helsinki": "Europe/Helsinki",
    "warsaw": "Europe/Warsaw", "prague": "Europe/Prague", "athens": "Europe/Athens",
    "kyiv": "Europe/Kyiv", "kiev": "Europe/Kyiv", "cairo": "Africa/Cairo",
    "lagos": "Africa/Lagos", "nairobi": "Africa/Nairobi", "johannesburg": "Africa/Johannesburg",
    "new york": "America/New_York", "nyc": "America/New_York", "boston": "America/New_York",
    "miami": "America/New_York", "washington": "America/New_York", "toronto": "America/Toronto",
    "montreal": "America/Toronto", "chicago": "America/Chicago", "dallas": "America/Chicago",
    "houston": "America/Chicago", "denver": "America/Denver", "phoenix": "America/Phoenix",
    "los angeles": "America/Los_Angeles", "la": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles", "sf": "America/Los_Angeles",
    "seattle": "America/Los_Angeles", "vancouver": "America/Vancouver",
    "anchorage": "America/Anchorage", "honolulu": "Pacific/Honolulu",
    "hawaii": "Pacific/Honolulu", "mexico city": "America/Mexico_City",
    "sao paulo": "America/Sao_Paulo", "são paulo": "America/Sao_Paulo",
    "buenos aires": "America/Argentina/Buenos_Aires", "santiago": "America/Santiago",
    "bogota": "America/Bogota", "lima": "America/Lima", "sydney": "Australia/Sydney",
    "melbourne": "Australia/Melbourne", "brisbane": "Australia/Brisbane",
    "perth": "Australia/Perth", "adelaide": "Australia/Adelaide",
    "auckland": "Pacific/Auckland", "wellington": "Pacific/Auckland",
}


def _alt(words: dict[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_ABBR_RE = lazy(rf"(?<![\w'])({_alt(ABBREVIATIONS)})(?![\w'])")
_ABBR_LOWER = {k.lower(): v for k, v in ABBREVIATIONS.items()}
_NAMED_RE = lazy(
    rf"\b(?:in )?({_alt(CITIES)}|{_alt(REGIONS)})(?:'s)? (?:standard |daylight )?time\b"
    rf"(?: zone)?|\b(?:in|at) ({_alt(CITIES)})(?= time\b)")
_UTC_RE = lazy(r"\b(?:utc|gmt)\b")
# Every abbreviation that counts has two capitals in a row. ("[A-Z]{2}" would not let `re` skip
# to the capitals: a pattern must open with a plain class for that.)
_CAPITALS = lazy(r"[A-Z][A-Z]")
# Where an abbreviation written in capitals stands in the (lower-cased) working text.
_ABBR_LOCAL = {abbr: lazy(rf"(?<![\w'])(?:in )?{abbr}(?![\w'])") for abbr in _ABBR_LOWER}
# An abbreviation is only taken where it stands alone in the working text, so (while nothing of
# it is consumed) a word of the text: most text holds none and needs no search of its capitals.
_ABBR_WORDS = frozenset(_ABBR_LOWER) - {"z"}  # ("Z" is never taken)
_ZONE_WORDS = _ABBR_WORDS | {"time", "utc", "gmt"}
# _NAMED_RE's matches hold " time" at most this far from their start ("in <name>'s standard time"),
# right after one of these.
_TIME_REACH = len("in ") + max(map(len, [*CITIES, *REGIONS])) + len("'s standard")
_BEFORE_TIME = (*CITIES, *REGIONS, "'s", "standard", "daylight")


def _named_zone(text: str) -> re.Match[str] | None:
    """_NAMED_RE.search(text), tried only from where a name comes before " time"."""
    at = text.find(" time")
    while at >= 0:
        if text.endswith(_BEFORE_TIME, 0, at):
            return _NAMED_RE.search(text, max(0, at - _TIME_REACH))
        at = text.find(" time", at + 1)
    return None


def find_zone(scan: Scan, found: Found, raw: str) -> None:
    """Set found.tz from the first zone named, and consume its words."""
    if scan.words.isdisjoint(_ZONE_WORDS) and BLANK not in scan.text:
        return  # none of the tests below can pass (see _ABBR_WORDS)
    match = _named_zone(scan.text) if "time" in scan.words else None
    if match:
        name = match.group(1) or match.group(2)
        found.tz = CITIES.get(name) or REGIONS[name]
        scan.consume(*match.span())
        found.assumptions.append(f"\"{name} time\" = {found.tz}")
        return
    # Cheap tests first: two capitals in a row need a capital after the first character.
    upper = None
    if (not scan.words.isdisjoint(_ABBR_WORDS) or BLANK in scan.text) and not raw[1:].islower() \
            and _CAPITALS.search(raw):
        upper = _ABBR_RE.search(raw)
    if upper and upper.group(1) != "Z":
        abbr = upper.group(1).lower()
        local = _ABBR_LOCAL[abbr].search(scan.text)
        if local:
            found.tz = _ABBR_LOWER[abbr]
            scan.consume(*local.span())
            found.assumptions.append(f"{abbr.upper()} = {found.tz}")
            return
    utc = _UTC_RE.search(scan.text) if "utc" in scan.words or "gmt" in scan.words else None
    if utc:
        found.tz = "UTC"
        scan.consume(*utc.span())
