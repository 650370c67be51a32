"""Independent random sub-streams, one per generation step.

Each step draws from ``substream(seed, "step name")`` so adding or changing one step never
shifts the random numbers of another.
"""

from __future__ import annotations

import hashlib

import numpy as np


def substream(seed: int, step: str) -> np.random.Generator:
    """A numpy Generator for ``step``, derived from the run seed.

    >>> float(substream(1, "names").random()) == float(substream(1, "names").random())
    True
    """
    key = int.from_bytes(hashlib.sha256(step.encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng(np.random.SeedSequence([seed, key]))
