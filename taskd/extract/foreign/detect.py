"""Which language a text is in, from a few closed-class words: a set lookup per word.

Only texts the English grammar could not read completely are looked at (see `reread`), so this
never runs a model or a statistical detector: it counts words that are common in one language
and rare in English ("recuérdame", "morgen", "demain", "las", "und"), and against them the
English words that are just as common ("the", "to", "remind").
"""

from __future__ import annotations

import re

from taskd.extract.foreign.languages import LANGUAGES

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
ENGLISH = frozenset({
    "the", "to", "at", "on", "me", "my", "and", "for", "of", "every", "remind", "call", "tomorrow",
    "today", "is", "it", "this", "next", "please", "with", "from", "by", "each", "up", "pick",
    "buy", "check", "mom", "am", "pm", "morning", "evening", "night", "week", "day", "days",
    "hours", "hour", "minute", "before", "after", "send", "pay", "take", "water", "out",
})
# Every language's marker words: a title with none of them is not worth detecting.
MARKERS = frozenset().union(*(lang.markers for lang in LANGUAGES.values())) - ENGLISH
MIN_MARKERS = 2  # one shared word ("de", "la") is no evidence of a language
# Time words and fillers that only this language has ("minuten", "mañana") count twice.
_STRONG = {code: frozenset(w for w in (*lang.units, *lang.day_words, *lang.weekdays,
                                        *(f.split()[0] for f in lang.fillers))
                           if w not in ENGLISH and w not in ("minutes", "minute", "pas", "il"))
           for code, lang in LANGUAGES.items()}


def language_of(text: str) -> str | None:
    """The code of the language `text` is written in, when it is clearly one we know."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    english = sum(w in ENGLISH for w in words)
    best, best_count = None, 0
    for code, lang in LANGUAGES.items():
        strong = _STRONG[code]
        count = sum((w in lang.markers) + (w in strong) for w in words)
        if count > best_count:
            best, best_count = code, count
    if best is None or best_count < MIN_MARKERS or best_count <= english:
        return None
    return best
