"""Title, kind, message and question from what is left once the schedule words are consumed.

The title keeps the user's words and their capitalisation ("call Mom"), minus politeness and
filler ("hey", "could you please", "remind me to", "don't forget to", "I need to"), and minus
vague time words that say nothing schedulable ("sometime", "whenever").
kind is "agent" when the user asks the assistant to produce something at fire time ("give me a
news briefing", "summarise my emails", "check if the deploy finished", "look up ...", "tell me
the weather"); otherwise "reminder". "remind me to look up X" stays a reminder.
"""

from __future__ import annotations

from taskd.extract.lazy_pattern import lazy
from taskd.extract.rules.scan import BLANK

MAX_TITLE = 120
_LEADING = [lazy(p) for p in (
    r"^(?:hey|hi|hello|ok|okay|yo|so|um|uh|please|pls|plz|kindly|cortana|siri|alexa|google|"
    r"assistant|taskd)\b[,!.:]?\s*",
    r"^(?:can|could|would|will|wo)\s(?:you|u|ya)\s(?:please\s)?",
    r"^(?:please\s)?(?:remind|ping|nudge|alert|notify|text|message|buzz)\s(?:me|us)\b"
    r"(?:\s(?:to|about|that|of|i\sneed\sto|i\shave\sto))?\s*",
    r"^(?:tell|ask)\s(?:me|us)\sto\s",
    r"^(?:set|create|add|make|schedule)\s(?:me\s)?(?:a|an|up\sa)\s(?:reminder|task|alarm|note|"
    r"todo)\b(?:\s(?:to|for|about|that))?\s*",
    r"^(?:reminder|note\sto\sself|todo|to-do|task)\b\s?[:\-]?\s*(?:to\s)?",
    r"^(?:don'?t|do\snot)\s(?:let\sme\s)?forget\b(?:\s(?:to|about))?\s*",
    r"^(?:remember|be\ssure|make\ssure)\b(?:\sto)?\s*",
    r"^(?:i|we)\s(?:need|have|want|gotta|got|ought)\s(?:to\s)?",
    r"^(?:i|we)\s(?:must|should)\s",
    r"^(?:i'?d|i\swould|we'?d)\s(?:like|love|want)\s(?:you\s)?to\s|^i\swant\syou\sto\s",
    r"^(?:to|and|then|that|about|also|,|-|:)(?:\s|$)",
    r"^(?:sometime|some\stime|someday|some\sday|at\ssome\spoint|eventually|whenever)\b\s*",
)]
_VAGUE = lazy(r"\s?\b(?:sometime|some\stime|someday|some\sday|at\ssome\spoint|eventually|"
                    r"whenever(?:\si\s(?:can|get\sa\schance))?|when\si\s(?:have|get)\s(?:the\s)?"
                    r"(?:time|a\schance)|later|soon|one\sday)\b")
_REMINDER_WORDS = lazy(r"^(?:.*\b)?(?:remind|ping|nudge|buzz|alert)\s(?:me|us)\b|"
                             r"\b(?:don'?t|do\snot)\s(?:let\sme\s)?forget\b|^remember\b|"
                             r"\bnote\sto\sself\b|\b(?:set|create|add)\s(?:me\s)?an?\sreminder\b|"
                             r"\btell\s(?:me|us)\sto\b")
_AGENT_START = lazy(
    r"^(?:give|send|get|show|fetch|bring)\s(?:me|us)\b|^tell\s(?:me|us)\b(?!\sto\b)|"
    r"^brief\s(?:me|us)\b|^(?:find|look\sup|lookup|search|research|summari[sz]e|translate|"
    r"compile|generate|analy[sz]e|calculate|recommend|suggest|explain|monitor|investigate|"
    r"fetch|gather|collect|list|report|forecast)\b|^check\s(?:if|whether|how|what|when|on\s|for\s)|"
    r"^(?:write|draft|compose|prepare|create|make|build|produce|put\stogether)\s(?:me|us|a|an|up)"
    r"\b|^(?:let|keep)\s(?:me|us)\s(?:know|posted|updated)\b|^notify\s(?:me|us)\s(?:if|when|"
    r"whether)\b|^(?:what'?s|what\sis|what\sare|how'?s|how\sis|how\smuch|is\sit|are\sthere|"
    r"will\sit|do\si|should\si)\b")
# The first words _AGENT_START can match: a first word of letters only that is not one of these
# cannot match it (each branch is one of these words, then a space, "'" or the end of a word).
_AGENT_STARTS = frozenset({
    "give", "send", "get", "show", "fetch", "bring", "tell", "brief", "find", "look", "lookup",
    "search", "research", "summarise", "summarize", "translate", "compile", "generate", "analyse",
    "analyze", "calculate", "recommend", "suggest", "explain", "monitor", "investigate", "gather",
    "collect", "list", "report", "forecast", "check", "write", "draft", "compose", "prepare",
    "create", "make", "build", "produce", "put", "let", "keep", "notify", "what", "whats", "how",
    "hows", "is", "are", "will", "do", "should"})
_AGENT_ANYWHERE = lazy(
    r"\band\s(?:tell|send|give|show|brief|notify)\s(?:me|us)\b|\band\slet\s(?:me|us)\sknow\b|"
    r"\bsummari[sz]e\b|\bsummary\b|\band\sreport\b|\bfor\sme$|\bdigest\b|\bbriefing\b")


# One alternation, tried at the start only: stripping "hey, could you please remind me to" takes
# one match per filler instead of a pass over every pattern.
_LEADING_ANY = lazy("|".join(f"(?:{pattern.pattern})" for pattern in _LEADING))


# The first words the patterns above can start with: any other first word skips the regex.
_FILLER_STARTS = frozenset({
    "hey", "hi", "hello", "ok", "okay", "yo", "so", "um", "uh", "please", "pls", "plz", "kindly",
    "cortana", "siri", "alexa", "google", "assistant", "taskd", "can", "could", "would", "will",
    "wo", "remind", "ping", "nudge", "alert", "notify", "text", "message", "buzz", "tell", "ask",
    "set", "create", "add", "make", "schedule", "reminder", "note", "todo", "to-do", "task",
    "don't", "dont", "do", "remember", "be", "i", "we", "i'd", "id", "we'd", "to", "and", "then",
    "that", "about", "also", "sometime", "some", "someday", "at", "eventually", "whenever", ""})
_FILLER_PUNCTUATION = ",!.:;-"
_PART_HEADS = ("to ", "and ", "at ", "on ", ", ")


def _strip_filler(text: str) -> str:
    head = text.partition(" ")[0]
    # No word in _FILLER_STARTS ends in punctuation: rstrip only matters when `head` does.
    if head not in _FILLER_STARTS and (head[-1] not in _FILLER_PUNCTUATION or
                                       head.rstrip(_FILLER_PUNCTUATION) not in _FILLER_STARTS):
        return text
    match = _LEADING_ANY.match(text)
    while match is not None and match.end() > 0:
        text = text[match.end():].lstrip(" ,")
        match = _LEADING_ANY.match(text)
    return text




_DANGLING_WORDS = frozenset({"on", "at", "by", "every", "each", "from", "until", "till", "starting",
                             "beginning", "the", "and", "around", "this", "next"})
_POLITE_ENDINGS = (" thank you", " please", " thanks", " okay", " pls", " thx", " ok")
_END_PUNCTUATION = " \t\n\r\f\v,.;:!?-"
# Consumed text and the white space after it (`\s` takes BLANK too): the pieces left between
# gaps, stripped, are those a split at every BLANK leaves once whitespace-only pieces are dropped,
# in one C call instead of a Python step for every consumed character. (Opening with BLANK lets
# the regex skip to it; `\s*` first would be tried at every character.)
_GAPS = lazy(BLANK + r"\s*")


def _drop_dangling(text: str) -> str:
    """Without a last word that only made sense next to a date ("call mom on")."""
    head, space, last = text.rpartition(" ")
    return head if space and last in _DANGLING_WORDS else text


def _drop_polite(text: str) -> str:
    """Without closing politeness ("call mom please" -> "call mom")."""
    for ending in _POLITE_ENDINGS:
        if text.endswith(ending):
            return text[:-len(ending)]
    return text


def _join_parts(parts: list[str], vague: bool) -> str:
    """The pieces joined: one before a gap loses a last word that went with what was consumed
    there ("call mom on"), one after a gap its linking first word ("to", "and", "at", "on")."""
    cleaned: list[str] = []
    last = len(parts) - 1
    for index, part in enumerate(parts):
        if vague:
            part = _VAGUE.sub("", part).strip(" ,")
        if index < last:
            part = _drop_dangling(part)
        if index > 0 and part.startswith(_PART_HEADS):
            part = part.split(" ", 1)[1] if " " in part else ""
        if part:
            cleaned.append(part)
    return _strip_filler(" ".join(cleaned))


def plain_words(scan_text: str) -> str:
    """Filler-free words that the recognizers did not consume (the blanks in `scan_text`), in
    lower case, the gaps closed."""
    # A vague time word ("sometime", "later") needs one of these; `in` beats a regex or any().
    vague = "some" in scan_text or "eventually" in scan_text or "when" in scan_text or \
        "later" in scan_text or "soon" in scan_text or "one" in scan_text
    # Usually the consumed text is all at one end (BLANK is white space to isspace): one piece.
    first = scan_text.find(BLANK)
    if first < 0:
        piece: str | None = scan_text
    elif scan_text[first:].isspace():
        piece = scan_text[:first]
    else:
        last = scan_text.rfind(BLANK)
        piece = scan_text[last + 1:] if scan_text[:last + 1].isspace() else None
    if piece is not None and not vague:
        # What _join_parts makes of one piece: _strip_filler gives the same again.
        text = _strip_filler(piece.strip().strip(" ,"))
    else:
        parts: list[str] = []  # a loop, not a comprehension: on 3.11 that is one more function call
        for each in [piece] if piece is not None else _GAPS.split(scan_text):
            if each and not each.isspace():
                parts.append(_strip_filler(each.strip().strip(" ,")))
        text = _join_parts(parts, vague)
    text = text.rstrip(_END_PUNCTUATION)
    if text.endswith(_POLITE_ENDINGS):
        text = _drop_polite(text)
    return _drop_dangling(text).strip(" ,.;:-")


def recase(words: str, original: str) -> str:
    """Give each word the capitalisation it had in the user's text."""
    lower = original.lower()
    at = lower.find(words)
    if at == 0 or (at > 0 and not lower[at - 1].isalnum() and lower.find(words.split(" ", 1)[0]) == at):
        return original[at:at + len(words)]  # the title is one stretch of the text, as usual
    out: list[str] = []
    cursor = 0
    for word in words.split():
        at = lower.find(word, cursor)
        if at >= 0 and (at == 0 or not lower[at - 1].isalnum()):
            out.append(original[at:at + len(word)])
            cursor = at + len(word)
        else:
            out.append(word)
    return " ".join(out)


def shorten(title: str) -> str:
    if len(title) <= MAX_TITLE:
        return title
    cut = title[:MAX_TITLE].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


_REMINDER_TRIGGERS = frozenset({"remind", "ping", "nudge", "buzz", "alert", "don", "dont", "not",
                                "remember", "note", "set", "create", "add", "tell"})
_AGENT_TRIGGERS = frozenset({"and", "summarise", "summarize", "summary", "for", "digest",
                             "briefing"})


def kind_of(words: str, normalized_text: str, text_words: frozenset[str] | None = None) -> str:
    """`text_words`, the words of `normalized_text` when the caller has them, lets a sentence
    without any trigger word skip the searches."""
    if (text_words is None or not text_words.isdisjoint(_REMINDER_TRIGGERS)) and \
            _REMINDER_WORDS.search(normalized_text):
        return "reminder"
    first = words.partition(" ")[0]
    if (first in _AGENT_STARTS or not first.isalpha()) and _AGENT_START.match(words):
        return "agent"
    if (text_words is None or not text_words.isdisjoint(_AGENT_TRIGGERS)) and \
            _AGENT_ANYWHERE.search(words):
        return "agent"
    return "reminder"


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def question_for(title: str | None, kind: str, unread: str | None = None) -> str:
    if unread:
        what = f" to {title[:1].lower() + title[1:]}" if title and kind != "agent" else \
            f" ({title[:1].lower() + title[1:]})" if title else ""
        return f"I did not understand “{unread}”: when should I remind you{what}?"
    if not title:
        return "What should I remind you about, and when?"
    if kind == "agent":
        return f"When should I do this: {title[:1].lower() + title[1:]}?"
    return f"When should I remind you to {title[:1].lower() + title[1:]}?"


def range_question(words: str, title: str | None, kind: str) -> str:
    """A clock range with no interval in it: one reminder could be at its start, at its end or
    throughout it, and a guess is a reminder at a wrong time."""
    what = f" to {title[:1].lower() + title[1:]}" if title and kind != "agent" else \
        f" ({title[:1].lower() + title[1:]})" if title else ""
    return (f"{words[:1].upper() + words[1:]} is a range: at what time should I remind you{what}? "
            f"(Say one time, or “every hour {words}” for reminders throughout.)")
