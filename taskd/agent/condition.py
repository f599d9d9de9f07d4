"""Is a task conditional ("tell me only if …")? Decided from its words, deterministically.

A conditional task stays quiet when the model says the condition does not hold; any other task
always delivers. Deciding this in code (not by the model) means a model that answers
notify=false to "give me a briefing" cannot silence a briefing the user asked for unconditionally.
"""

from __future__ import annotations

import re

_CONDITIONAL = re.compile(
    r"\b(?:"
    r"only\s+(?:if|when|in\s+case)"
    r"|(?:tell|notify|alert|warn|ping|text|email|message|remind)\s+me\s+(?:if|whether|in\s+case)"
    r"|let\s+me\s+know\s+(?:if|whether|in\s+case)"
    r"|(?:check|see|find\s+out)\s+(?:if|whether)"
    r"|unless"
    r"|if\s+and\s+only\s+if"
    r")\b",
    re.IGNORECASE,
)


def is_conditional(text: str) -> bool:
    """True when the task asks to hear from us only under some condition."""
    return _CONDITIONAL.search(text) is not None
