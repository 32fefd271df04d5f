"""Agreement between the two parties' ratings: exact share and quadratic-weighted kappa.

>>> a = agreement([(3, 3), (4, 3), (2, 2), (5, 4), (1, 1)], labels=[1, 2, 3, 4, 5])
>>> a.items, a.exact, round(a.kappa, 3)
(5, 0.6, 0.875)
>>> agreement([(3, 3), (3, 3)], labels=[1, 2, 3, 4, 5]).kappa is None  # one level only
True
>>> agreement([], labels=[1, 2]).exact is None
True
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import cohen_kappa_score

from hmc.assessment.records import Agreement


def agreement(pairs: Sequence[tuple[int, int]], *, labels: Sequence[int]) -> Agreement:
    """The agreement over ``pairs`` of levels (first party's, second party's)."""
    if not pairs:
        return Agreement(0, None, None)
    first = [a for a, _ in pairs]
    second = [b for _, b in pairs]
    exact = sum(a == b for a, b in pairs) / len(pairs)
    with warnings.catch_warnings():
        # kappa is 0/0 when both parties used a single, same level: undefined, not perfect
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        kappa = float(cohen_kappa_score(first, second, labels=list(labels), weights="quadratic"))
    return Agreement(len(pairs), exact, None if math.isnan(kappa) else kappa)
