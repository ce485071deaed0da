"""Old import paths that a lecture not yet re-executed still uses: kept until its next full-mode run.

The restructuring of ``utils/`` moved ``EXPERIMENTS`` to :mod:`utils.experiments` and ``PUBLISHED`` to
:mod:`utils.published`. A committed lecture changes only together with a full-mode re-execution of it (its
outputs must come from its code), and the lectures listed in :data:`PENDING` have not been re-executed since:
their code still imports those names from :mod:`utils.recipes`, which resolves them here, lazily (the module's
``__getattr__``). Nothing else may use these paths; ``tests/test_legacy.py`` checks that, and fails as soon as
no lecture needs an entry, so that the entry (and finally this module) is deleted with the last lecture that
used it.
"""

from __future__ import annotations

import importlib

#: Lectures whose committed code still uses an old import path, and what their next re-execution changes.
PENDING: dict[str, str] = {
    "03": "from utils.recipes import EXPERIMENTS, PUBLISHED, RECIPES -> utils.experiments / utils.published",
    "04": "from utils.recipes import EXPERIMENTS -> utils.experiments; its own predict() and best_filter() -> "
          "utils.models.predict, utils.baselines.best_filter",
}

#: old module -> old name -> (module, name) it lives in now.
MOVED: dict[str, dict[str, tuple[str, str]]] = {
    "utils.recipes": {
        "EXPERIMENTS": ("utils.experiments", "EXPERIMENTS"),
        "PUBLISHED": ("utils.published", "PUBLISHED"),
    },
}


def resolve(module: str, name: str) -> object:
    """``name`` looked up by its old path in ``module``, or the usual AttributeError."""
    try:
        new_module, new_name = MOVED[module][name]
    except KeyError:
        raise AttributeError(f"module {module!r} has no attribute {name!r}") from None
    return getattr(importlib.import_module(new_module), new_name)
