"""Whether the model would add anything to the parser's reading of a text.

A model round trip costs seconds on a local model; the parser takes microseconds. When the
parser's reading is complete, the model can only confirm it, so `add` stores it at once. A reading
is complete when it has a schedule and no question, and what is left as the title shows no sign of
a missed time: no time word, no word that looks like a misspelt one ("wendsday", "febuary"), no
holiday or meal time the parser does not know, no dangling preposition a time phrase started with
("On fridy pick up ..."), no habit said in passing ("I start work at 8"), and no hint of an agent
task the parser took for a reminder.
"""

from __future__ import annotations

import difflib
import re

from taskd.draft import Draft
from taskd.extract.hybrid import _TIME_WORDS, _plain_words, time_words

# Calendar words the parser does not read (the model's plain words turn them into dates or times).
_UNREAD_TIME_WORDS = frozenset({
    "xmas", "christmas", "eve", "nye", "easter", "thanksgiving", "halloween", "valentine",
    "valentine's", "valentines", "hanukkah", "diwali", "ramadan", "eid", "holiday", "holidays",
    "birthday's", "lunchtime", "lunch-time", "breakfast", "dinnertime", "suppertime", "teatime",
    "bedtime", "dawn", "dusk", "sunrise", "sunset", "noonish", "later", "soon", "asap", "week's",
    "month's", "year's", "payday", "tmrw", "tmr", "tmrow", "2moro", "2morrow", "tonite", "nite",
    "quarter", "semester", "term",
})
# A title that starts with one of these kept the head of a time phrase whose rest was not read.
_TIME_HEADS = frozenset({"on", "at", "in", "by", "every", "each", "until", "till", "from",
                         "next", "this", "before", "after", "around"})
# First-person statements are habits the model turns into preferences.
_FIRST_PERSON = frozenset({"i", "i'm", "im", "my", "i've", "we", "our"})
_HABIT_WORDS = frozenset({"start", "starts", "begin", "begins", "finish", "finishes", "end", "ends",
                          "wake", "usually", "always", "normally", "work", "shift", "bed", "sleep"})
# Words of tasks whose answer is produced at fire time (an agent task), when the parser said reminder.
_AGENT_HINTS = frozenset({"summarise", "summarize", "summary", "briefing", "digest", "news",
                          "weather", "forecast", "research", "explain", "translate", "whether",
                          "if", "fact", "joke", "idea", "ideas", "suggest", "write", "draft",
                          "compose", "find", "search", "look", "tell", "give", "list"})
# Four-letter words are too close to each other to call one a misspelling ("send" ~ "second").
_MISSPELT_MIN = 5
_SIMILAR = 0.81  # "wendsday" ~ "wednesday" 0.82; "match" ~ "march" 0.80
_KNOWN: dict[str, list[str]] = {}
for _word in sorted(_TIME_WORDS):
    if len(_word) >= _MISSPELT_MIN - 1 and _word.isalpha():
        _KNOWN.setdefault(_word[0], []).append(_word)
_LETTERS = re.compile(r"^[a-z]+$")


def looks_misspelt(word: str) -> bool:
    """A word that is not a time word but is a letter or two away from one ("thrusday"). Typos
    keep the first letter nearly always; comparing only to those words keeps this cheap."""
    if len(word) < _MISSPELT_MIN or word in _TIME_WORDS or not _LETTERS.match(word):
        return False
    matcher = difflib.SequenceMatcher(b=word)
    for known in _KNOWN.get(word[0], ()):
        if abs(len(known) - len(word)) <= 2:
            matcher.set_seq1(known)
            if matcher.ratio() >= _SIMILAR:
                return True
    return False


def doubts(draft: Draft) -> list[str]:
    """Why the parser's reading may be incomplete; empty when the model cannot add anything."""
    if draft.schedule is None or draft.question:
        return ["the parser asked a question"]
    why: list[str] = []
    words = _plain_words(draft.message or draft.title or "")
    left = time_words(draft.message or draft.title)
    if left:
        why.append(f"time words left over: {' '.join(left)}")
    misspelt = [w for w in words if looks_misspelt(w)]
    if misspelt:
        why.append(f"words that look misspelt: {' '.join(misspelt)}")
    unread = [w for w in words if w in _UNREAD_TIME_WORDS]
    if unread:
        why.append(f"calendar words the parser does not read: {' '.join(unread)}")
    if words and words[0] in _TIME_HEADS:
        why.append(f"the title starts with “{words[0]}”")
    if _FIRST_PERSON.intersection(words) and _HABIT_WORDS.intersection(words):
        why.append("a habit may be stated")
    if draft.kind == "reminder" and _AGENT_HINTS.intersection(words):
        why.append("it may be an agent task")
    return why
