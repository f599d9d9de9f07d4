"""Clock times and daypart words.

Times: "17:30", "5pm", "5 p.m.", "8a", "9p", "8.30pm", "1140 am", "noon", "midnight",
"half past four", "quarter to seven", "ten past 9", "seven pm", "one thirty pm", "5 o'clock",
"at 9", lists such as "at 9 and 21" or "at 8, 14 and 20".

A time without am/pm is ambiguous; `assemble` settles it: a pm daypart ("evening", "tonight")
moves 1-11 to the afternoon (but "tonight at 1"-"4" stays after midnight), and a bare hour with no
context reads 1-5 as afternoon ("at 3" = 15:00) and 6-12 as morning ("at 9" = 09:00).
HH:MM without am/pm is a 24-hour clock reading ("at 2:30" = 02:30).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from taskd.extract.rules.lexicon import NUM_WORD, NUMBER_WORDS, QTY, WEEKDAY, cardinal, quantity
from taskd.extract.rules.scan import BLANK, Found, Scan, TimeHit, lead_start

PREP = r"(?:\b(?:at|around|about|by|circa|from|before|after|until|till|to|approximately|approx)\s+)"
_AP = r"(?:\s?(?P<ap>am|pm)\b|(?P<ap1>[ap])\b)"
_WORD_MIN = r"(?:o'?\s?(?:one|two|three|four|five|six|seven|eight|nine)|" + NUM_WORD + ")"

# Each atom: a pattern (no leading preposition) and how to read its groups.
_ATOMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?P<mins>quarter|half|{QTY})(?:\s(?:minutes?|mins?))?\s(?P<dir>past|after|to|"
                rf"before|till)\s(?P<h>\d{{1,2}}|{NUM_WORD})(?![\d:])(?:\so'clock)?{_AP}?"),
     "words"),
    (re.compile(rf"(?<![\d:/.\-])(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?::(?P<s>\d{{2}}))?(?![\d:])"
                rf"{_AP}?"), "clock"),
    (re.compile(rf"(?<![\d:/.\-])(?P<h>\d{{1,2}})(?:\.(?P<m>\d{{2}}))?{_AP}"), "meridiem"),
    (re.compile(r"(?<![\d:/.\-])(?P<hm>\d{3,4})\s?(?P<ap>am|pm)\b"), "compact"),
    (re.compile(r"(?<![\d:/.\-$])(?P<h>\d{1,2})\so'clock(?:\s(?P<ap>am|pm)\b)?"), "oclock"),
    (re.compile(rf"\b(?P<h>{NUM_WORD})(?:\s(?P<m>{_WORD_MIN}))?\s?(?:(?P<oc>o'clock)\s?)?"
                rf"(?:(?P<ap>am|pm)\b|(?<=o'clock))"), "spoken"),
    (re.compile(r"\b(?:12\s)?(?P<noon>noon|midday)\b|\b(?P<midnight>midnight)\b"), "named"),
]
_BARE = re.compile(
    rf"(?P<h>\d{{1,2}}|{NUM_WORD})(?:[.:](?P<m>\d{{2}})|\s(?P<wm>thirty|fifteen|forty[ -]five|"
    rf"forty|twenty|ten|five|o'?\s?five))?(?:\so'clock)?(?![\w:/%.\-]|\s?(?:st|nd|rd|th)\b|"
    r"\s(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times|people|of)\b)")
_PREP_RE = re.compile(PREP)
_PREP_LEADS = frozenset({"at", "around", "about", "by", "circa", "from", "before", "after",
                         "until", "till", "to", "approximately", "approx"})
_SEPARATOR = re.compile(r"\s?(?:,\s?and|,|and|&|or)\s")
_HOUR_BEFORE_DAYPART = re.compile(
    rf"(?<![\w:.])(?P<h>\d{{1,2}}|{NUM_WORD})(?:\so'clock)?(?=,?\s(?:in\sthe\s(?:morning|"
    rf"afternoon|evening)|at\snight|tonight|this\s(?:morning|afternoon|evening)|"
    rf"(?:early|late)\s(?:morning|evening)))")

_HOUR_BEFORE_TONIGHT = re.compile(r"(?<![\w$:.,/])(\d{1,2}),?\s(?=tonight\b)")

_DAYPART_WORDS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening",
                  "night": "night", "tonight": "tonight", "nite": "night"}
_DAYPART_RE = re.compile(
    r"(?P<q>(?:(?:later\s)?this|in\sthe|early(?:\sin\sthe)?|late(?:\sin\sthe)?|on|by|at|"
    r"during\sthe|every|each|the)\s)?\b(?P<dp>morning|afternoon|evening|night|tonight)"
    r"(?P<pl>s)?\b(?!\s(?:shift|class|routine|run|person|owl|club|market|shows?|news|flight)\b)"
    r"(?P<more>(?:(?:,\s?|\s)(?:and\s)?(?:morning|afternoon|evening|night)s?\b)*)")
_EOD_RE = re.compile(
    r"(?:(?:by|at|before|until|till|around)\s)?(?:the\s)?(?:end\sof\s(?:the\s)?(?:business\s|"
    r"work(?:ing)?\s)?day|eod|cob|close\sof\sbusiness|end\sof\sbusiness)\b")
_EOD_OF_DATE = re.compile(
    rf"(?:(?:by|at|before|until|till)\s)?(?:the\s)?end\sof\s(?:the\s|this\s)?(?={BLANK}|{WEEKDAY})")


def _hour_value(text: str) -> int | None:
    value = cardinal(text)
    return value if value is not None and 0 <= value <= 24 else None


def _minute_word(text: str | None) -> int | None:
    if not text:
        return 0
    word = text.replace("o'", "").replace("o ", "").strip()
    value = cardinal(word)
    return value if value is not None and 0 <= value < 60 else None


def _meridiem(hour: int, ap: str | None) -> int | None:
    if ap is None:
        return hour
    if not 1 <= hour <= 12:
        return None
    if ap.startswith("a"):
        return 0 if hour == 12 else hour
    return hour if hour == 12 else hour + 12


def _read(match: re.Match[str], kind: str, found: Found) -> TimeHit | None:
    groups = match.groupdict()
    ap = groups.get("ap") or groups.get("ap1")
    if kind == "named":
        if groups.get("midnight"):
            found.midnight = True
            return TimeHit(0, 0)
        return TimeHit(12, 0)
    if kind == "compact":
        digits = groups["hm"]
        hour, minute = int(digits[:-2]), int(digits[-2:])
        value = _meridiem(hour, ap)
        return None if value is None or minute > 59 else TimeHit(value, minute)
    if kind == "words":
        hour = _hour_value(groups["h"])
        mins_text = groups["mins"]
        mins = 15 if mins_text == "quarter" else 30 if mins_text == "half" else quantity(mins_text)
        if hour is None or mins is None or not 0 < mins < 60 or not 1 <= hour <= 12:
            return None
        minute = int(mins)
        if groups["dir"] in ("to", "before", "till"):
            hour, minute = (hour - 1) % 24 or 12, 60 - minute
        value = _meridiem(hour, ap)
        return None if value is None else TimeHit(value, minute, ambiguous=ap is None,
                                                 bare_hour=ap is None)
    if kind == "oclock":
        hour = int(groups["h"])
        if ap is not None:
            value = _meridiem(hour, ap)
            return None if value is None else TimeHit(value, 0)
        return TimeHit(hour, 0, ambiguous=1 <= hour <= 12, bare_hour=True) if hour <= 23 else None
    if kind == "spoken":
        hour = _hour_value(groups["h"])
        minute = _minute_word(groups.get("m"))
        if hour is None or minute is None or not 1 <= hour <= 12:
            return None
        value = _meridiem(hour, ap)
        return None if value is None else TimeHit(value, minute, ambiguous=ap is None,
                                                 bare_hour=ap is None and not groups.get("m"))
    hour = int(groups["h"])
    minute = int(groups["m"]) if groups.get("m") else 0
    second = int(groups["s"]) if groups.get("s") else 0
    if minute > 59 or second > 59 or hour > 23:
        return None
    value = _meridiem(hour, ap)
    if value is None:
        return None
    return TimeHit(value, minute, second, ambiguous=ap is None and 1 <= hour <= 12)


def _read_bare(match: re.Match[str]) -> TimeHit | None:
    groups = match.groupdict()
    hour = _hour_value(groups["h"])
    if hour is None or hour > 23:
        return None
    minute = 0
    if groups.get("m"):
        minute = int(groups["m"])
    elif groups.get("wm"):
        minute = _minute_word(groups["wm"]) or 0
    if minute > 59:
        return None
    plain = not groups.get("m") and not groups.get("wm")
    return TimeHit(hour, minute, ambiguous=1 <= hour <= 12, bare_hour=plain)


def _continue(scan: Scan, found: Found, end: int, reader: Callable[[int], tuple[TimeHit, int]
                                                                     | None]) -> None:
    """Read a list after a time: "at 9 and 21", "at 8, 14 and 20", "6am, 12pm and 6pm"."""
    while True:
        sep = _SEPARATOR.match(scan.text, end)
        if not sep:
            return
        got = reader(sep.end())
        if got is None:
            return
        hit, stop = got
        hit.start = sep.end()
        found.times.append(hit)
        scan.consume(end, stop)
        end = stop


def _atom_at(scan: Scan, found: Found, pos: int) -> tuple[TimeHit, int] | None:
    for pattern, kind in _ATOMS:
        match = pattern.match(scan.text, pos)
        if match:
            hit = _read(match, kind, found)
            if hit is not None:
                return hit, match.end()
    match = _BARE.match(scan.text, pos)
    if match:
        hit = _read_bare(match)
        if hit is not None:
            return hit, match.end()
    return None


def _take(scan: Scan, found: Found, start: int, end: int, hit: TimeHit) -> None:
    start = lead_start(scan.text, start, _PREP_LEADS, repeat=False)
    hit.start = start
    found.times.append(hit)
    scan.consume(start, end)
    _continue(scan, found, end, lambda pos: _atom_at(scan, found, pos))


_MERIDIEM = frozenset({"am", "pm"})
_ATOM_WORDS = {
    "words": frozenset({"past", "after", "to", "before", "till"}),
    "meridiem": frozenset({"am", "pm", "a", "p"}),
    "compact": _MERIDIEM,
    "oclock": frozenset({"clock"}),
    "spoken": frozenset({"am", "pm", "clock"}),
    "named": frozenset({"noon", "midday", "midnight"}),
}
# These atoms open with a run of digits (their lookbehind rules out a digit before it).
_NEEDS_DIGIT = frozenset({"clock", "meridiem", "compact", "oclock"})
_NUMBERS_OR_HALVES = NUMBER_WORDS | {"quarter", "half"}
_NUMBER_LEADS = tuple(sorted(NUMBER_WORDS))  # the "spoken" atom opens with a number word
_PREP_LEADS_TUPLE = tuple(sorted(_PREP_LEADS))


_DIGIT_AP = re.compile(r"\d[ap]\b")  # "8a", "9p"
_DIR_HOUR = re.compile(rf"\b(?:past|after|to|before|till)\s(?:\d|{NUM_WORD})")


def _may_match(scan: Scan, kind: str) -> bool:
    """Whether the text has what atom `kind` needs: its trigger words and digits or numbers."""
    needs = _ATOM_WORDS.get(kind)
    if needs is not None and scan.words.isdisjoint(needs):
        return False
    if kind in _NEEDS_DIGIT:
        if not scan.has_digit:
            return False
        if kind == "clock":
            return ":" in scan.text
        if kind == "meridiem":
            return not scan.words.isdisjoint(_MERIDIEM) or (
                ("a" in scan.words or "p" in scan.words) and _DIGIT_AP.search(scan.text) is not None)
        if kind == "compact":
            return scan.longest_number >= 3
        return True
    if kind == "words":
        return (scan.has_digit or not scan.words.isdisjoint(_NUMBERS_OR_HALVES)) and \
            _DIR_HOUR.search(scan.text) is not None
    if kind == "spoken":
        return not scan.words.isdisjoint(NUMBER_WORDS)
    return True


def find_explicit_times(scan: Scan, found: Found) -> None:
    """Times that cannot be anything else: with a colon, am/pm, o'clock, noon, 'past'/'to'."""
    for pattern, kind in _ATOMS:
        if not _may_match(scan, kind):
            continue
        matches = scan.finditer_numbers(pattern) if kind in _NEEDS_DIGIT else \
            scan.finditer(pattern, _NUMBER_LEADS) if kind == "spoken" else pattern.finditer(scan.text)
        for match in matches:
            if not scan.free(*match.span()):
                continue
            before = scan.text[max(0, match.start() - 2):match.start()]
            if "$" in before:
                continue
            hit = _read(match, kind, found)
            if hit is not None:
                _take(scan, found, match.start(), match.end(), hit)


_PREP_WORDS = frozenset({"at", "around", "about", "by", "circa", "from", "before", "after",
                         "until", "till", "to", "approximately", "approx"})
_DAYPART_SET = frozenset({"morning", "afternoon", "evening", "night", "tonight", "nite"})
_DAYPART_TRIGGERS = _DAYPART_SET | frozenset(w + "s" for w in _DAYPART_SET)
_EOD_WORDS = frozenset({"end", "eod", "cob", "close"})
# The words _DAYPART_RE can start with.
_DAYPART_LEADS = _DAYPART_TRIGGERS | frozenset({"later", "this", "in", "early", "late", "on", "by",
                                                "at", "during", "every", "each", "the"})


def find_bare_times(scan: Scan, found: Found) -> None:
    """Hours that are times only by context: "at 9", "around 7", "10, tonight", "5 in the morning"."""
    if not scan.has_digit and scan.words.isdisjoint(NUMBER_WORDS):
        return
    dayparts = not scan.words.isdisjoint(_DAYPART_SET)
    if not scan.words.isdisjoint(_PREP_WORDS):
        _after_prepositions(scan, found)
    if dayparts:
        _before_dayparts(scan, found)


def _after_prepositions(scan: Scan, found: Found) -> None:
    for prep in scan.finditer(_PREP_RE, _PREP_LEADS_TUPLE):
        if not scan.free(*prep.span()):
            continue
        match = _BARE.match(scan.text, prep.end())
        if match:
            hit = _read_bare(match)
            if hit is not None:
                _take(scan, found, prep.start(), match.end(), hit)


def _before_dayparts(scan: Scan, found: Found) -> None:
    for match in _HOUR_BEFORE_DAYPART.finditer(scan.text):
        if scan.free(*match.span()):
            hit = _read_bare(match)
            if hit is not None:
                _take(scan, found, match.start(), match.end(), hit)
    if "tonight" not in scan.words or not scan.has_digit:
        return
    for match in _HOUR_BEFORE_TONIGHT.finditer(scan.text):
        if scan.free(*match.span()) and int(match.group(1)) <= 12:
            hit = TimeHit(int(match.group(1)), 0, ambiguous=True, bare_hour=True)
            _take(scan, found, match.start(), match.end(), hit)


def find_dayparts(scan: Scan, found: Found) -> None:
    if not scan.words.isdisjoint(_EOD_WORDS):
        for pattern in (_EOD_RE, _EOD_OF_DATE):
            for match in pattern.finditer(scan.text):
                if scan.free(*match.span()):
                    found.dayparts.append("end_of_day")
                    scan.consume(*match.span())
    if scan.words.isdisjoint(_DAYPART_TRIGGERS):
        return
    for match in _DAYPART_RE.finditer(scan.text, scan.start_of(_DAYPART_LEADS, 0)):
        if not scan.free(*match.span()):
            continue
        head = scan.text[:match.start()].rstrip(" ,")
        word = match.group("dp")
        near_date = head.endswith(BLANK)
        edge = not head.strip(BLANK + " ,") or match.end() == len(scan.text.rstrip(BLANK + " .!?"))
        if match.group("q") or near_date or word == "tonight" or edge or match.group("pl"):
            every = (match.group("q") or "").strip() in ("every", "each")
            if (match.group("pl") or every) and found.rule is None:
                found.rule = {"FREQ": "DAILY"}  # "mornings", "every morning"
            found.dayparts.append(_DAYPART_WORDS[word])
            for extra in re.findall(r"morning|afternoon|evening|night", match.group("more")):
                found.dayparts.append(_DAYPART_WORDS[extra])
            scan.consume(*match.span())
