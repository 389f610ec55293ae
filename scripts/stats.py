"""stats.py - the statistics the benchmark reports share: medians, and a 95 %
interval for a median by the bootstrap (10,000 resamples of the rounds,
seeded, so a report made twice from the same data is the same)."""
import random

RESAMPLES = 10000


def median(v):
    v = sorted(v)
    n = len(v)
    return None if not n else v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def interval(v, seed=1):
    """95 % bootstrap interval of the median of v (None with fewer than 3 values)."""
    if len(v) < 3:
        return None
    rng = random.Random(seed)
    meds = sorted(median([rng.choice(v) for _ in v]) for _ in range(RESAMPLES))
    return meds[int(RESAMPLES * 0.025)], meds[int(RESAMPLES * 0.975) - 1]
