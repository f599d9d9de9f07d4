"""Synthetic eval cases for taskd: templates x phrasings x zones x reference times.

Expected fire times come from each template's structured parameters (dateutil + zoneinfo),
never from taskd's extractor. Same seed, same bytes.

    python -m evals.generate --seed 7 --count 5000 --out /tmp/generated.jsonl
    python evals/generate/cli.py --seed 7 --count 600 --sample-of 5000 --out evals/generated/sample.jsonl
"""

from __future__ import annotations

import json
import random

from .core import ZONES, Ctx, Reject, pick_now
from .templates import TEMPLATES

__all__ = ["TEMPLATES", "dumps", "generate", "sample"]

MAX_TRIES = 400


def generate(seed: int = 7, count: int = 5000) -> list[dict]:
    """`count` cases, templates taken in turn, each with fresh zone and reference time."""
    rng = random.Random(seed)
    cases: list[dict] = []
    per_cat: dict[str, int] = {}
    for i in range(count):
        tpl = TEMPLATES[i % len(TEMPLATES)]
        for _ in range(MAX_TRIES):
            tz = ZONES[rng.randrange(len(ZONES))]
            now, ref = pick_now(rng, tz)
            ctx = Ctx(rng, tz, now, ref)
            try:
                body = tpl.build(ctx)
            except Reject:
                continue
            break
        else:  # pragma: no cover - a template that can never produce a case is a bug
            raise RuntimeError(f"template {tpl.name} produced no case in {MAX_TRIES} tries")
        per_cat[tpl.category] = per_cat.get(tpl.category, 0) + 1
        meta = dict(body["meta"])
        meta["template"] = tpl.name
        meta["ref"] = ref
        cases.append({
            "id": f"{tpl.category}-{per_cat[tpl.category]:04d}",
            "text": body["text"],
            "now": now.strftime("%Y-%m-%dT%H:%M:%S"),
            "tz": tz,
            "category": tpl.category,
            "expect": body["expect"],
            "meta": meta,
        })
    return cases


def sample(cases: list[dict], n: int, seed: int) -> list[dict]:
    """A fixed subset (file order kept) of a generated set: the same number from every
    template, the remainder drawn at random."""
    if n >= len(cases):
        return list(cases)
    rng = random.Random(f"sample-{seed}")
    by_tpl: dict[str, list[int]] = {}
    for i, c in enumerate(cases):
        by_tpl.setdefault(c["meta"]["template"], []).append(i)
    each = n // len(by_tpl)
    chosen: list[int] = []
    for name in sorted(by_tpl):
        idx = by_tpl[name]
        chosen += rng.sample(idx, min(each, len(idx)))
    rest = sorted(set(range(len(cases))) - set(chosen))
    chosen += rng.sample(rest, n - len(chosen))
    return [cases[i] for i in sorted(chosen)]


def dumps(cases: list[dict]) -> str:
    return "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
