"""When to poll a source again and when to try a failed page again.

A source's interval adapts to how often it really brings new articles: halved
(down to `min_interval`) after a poll that listed a new article, stretched by half
(up to `max_interval`) after one that did not. A feed that changes on every poll
settles at the minimum; a quiet one drifts to the maximum within a few polls. The
factors are the usual multiplicative-decrease / gentle-increase pair of adaptive
feed readers, chosen as round numbers, not calibrated on data.

Failures back off exponentially from `retry_delay`, doubling, jittered by +-20 % so
that many pages failed together do not come back together; a server's Retry-After
is a floor. A page is given up after `max_attempts` transient failures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    interval: float = 900.0  # seconds between polls of a new source
    min_interval: float = 300.0
    max_interval: float = 6 * 3600.0
    retry_delay: float = 300.0  # first retry of a failed page or source
    max_retry_delay: float = 6 * 3600.0
    max_attempts: int = 8  # transient failures of one page before it is given up


def adapted_interval(schedule: Schedule, interval: float, *, changed: bool) -> float:
    """The interval after a poll that did (`changed`) or did not list a new article."""
    if changed:
        return max(schedule.min_interval, interval / 2)
    return min(schedule.max_interval, max(interval * 1.5, schedule.min_interval))


def retry_wait(schedule: Schedule, failures: int, retry_after: float | None = None) -> float:
    """Seconds before try `failures + 1` of something that failed `failures` times in a row."""
    base = min(schedule.max_retry_delay, schedule.retry_delay * 2 ** max(0, failures - 1))
    wait = base * random.uniform(0.8, 1.2)
    return max(wait, retry_after or 0.0)
