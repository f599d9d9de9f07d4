"""Robust, decaying estimates from weighted observations. Pure functions; no database.

Times of day are minutes after midnight and wrap: 23:50 and 00:10 are 20 minutes apart, and their
middle is 00:00, not 12:00. Every estimate is a weighted median (one wild edit cannot move it far),
weights fade with age, and confidence grows with the amount of evidence and shrinks with its spread.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

DAY = 1440
HALF_LIFE_DAYS = 30.0
# Evidence mass at which confidence reaches one half when the evidence agrees perfectly.
PRIOR_MASS = 2.0
# Uncertainty of the median (minutes) at which confidence is halved. The uncertainty is the standard
# error of a median, 1.25 sigma / sqrt(n), with sigma estimated robustly as 1.4826 * MAD: many noisy
# observations can be as trustworthy as a few that agree exactly.
SPREAD_SCALE_MINUTES = 30.0
MEDIAN_ERROR_PER_MAD = 1.25 * 1.4826


@dataclass(frozen=True)
class Observation:
    value: float
    at: datetime
    weight: float = 1.0


def decay(at: datetime, now: datetime, half_life_days: float = HALF_LIFE_DAYS) -> float:
    """Weight of evidence from `at`, seen at `now`: halves every `half_life_days`."""
    age = max(0.0, (now - at).total_seconds()) / 86400
    return float(0.5 ** (age / half_life_days))


def weighted_median(values: Sequence[float], weights: Sequence[float]) -> float:
    pairs = sorted(zip(values, weights, strict=True))
    total = sum(w for _, w in pairs)
    if not pairs or total <= 0:
        raise ValueError("no evidence")
    running = 0.0
    for value, weight in pairs:
        running += weight
        if running >= total / 2:
            return value
    return pairs[-1][0]


def circular_gap(a: float, b: float, period: float = DAY) -> float:
    """Signed shortest distance from b to a on a circle: in (-period/2, period/2]."""
    gap = (a - b) % period
    return gap - period if gap > period / 2 else gap


def circular_median(values: Sequence[float], weights: Sequence[float], period: float = DAY) -> float:
    """A weighted median on the clock: unwrap around the circular mean, take the median, wrap."""
    sin = sum(w * math.sin(2 * math.pi * v / period) for v, w in zip(values, weights, strict=True))
    cos = sum(w * math.cos(2 * math.pi * v / period) for v, w in zip(values, weights, strict=True))
    centre = (math.atan2(sin, cos) / (2 * math.pi) * period) % period
    unwrapped = [centre + circular_gap(v, centre, period) for v in values]
    return weighted_median(unwrapped, weights) % period


@dataclass(frozen=True)
class Estimate:
    value: float
    mass: float  # decayed evidence weight
    count: int  # observations, undecayed
    spread: float  # weighted median absolute deviation, in the value's unit
    confidence: float
    last: datetime


def confidence(mass: float, spread: float, spread_scale: float = SPREAD_SCALE_MINUTES) -> float:
    """Grows with the amount of evidence (mass / (mass + PRIOR_MASS)) and shrinks with how uncertain
    its median is (spread / sqrt(mass))."""
    amount = mass / (mass + PRIOR_MASS)
    uncertainty = MEDIAN_ERROR_PER_MAD * spread / math.sqrt(mass)
    return amount / (1.0 + (uncertainty / spread_scale) ** 2)


def estimate(observations: Sequence[Observation], now: datetime, *, circular: bool = True,
             spread_scale: float = SPREAD_SCALE_MINUTES,
             half_life_days: float = HALF_LIFE_DAYS) -> Estimate | None:
    if not observations:
        return None
    values = [o.value for o in observations]
    weights = [o.weight * decay(o.at, now, half_life_days) for o in observations]
    mass = sum(weights)
    if mass <= 1e-9:
        return None
    # How much evidence there is, for confidence: the effective number of observations (Kish),
    # (sum w)^2 / sum w^2, times their average strength. Decay changes who dominates the median,
    # not how sure consistent evidence is: a habit shown thirty times and then left alone for a
    # month is still known; one contradicted by recent evidence shows it in the spread.
    effective = mass * mass / sum(w * w for w in weights)
    strength = sum(o.weight for o in observations) / len(observations)
    if circular:
        middle = circular_median(values, weights)
        deviations = [abs(circular_gap(v, middle)) for v in values]
    else:
        middle = weighted_median(values, weights)
        deviations = [abs(v - middle) for v in values]
    spread = weighted_median(deviations, weights)
    return Estimate(middle, mass, len(observations), spread,
                    confidence(effective * strength, spread, spread_scale),
                    max(o.at for o in observations))


def round_to(minutes: float, step: int = 5, period: int | None = DAY) -> int:
    rounded = int(round(minutes / step) * step)
    return rounded % period if period else rounded


def clock(minutes: float) -> str:
    whole = round_to(minutes, 1)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def minutes_of(value: str) -> int:
    hour, minute = value.split(":")[:2]
    return int(hour) * 60 + int(minute)
