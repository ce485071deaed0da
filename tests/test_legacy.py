"""utils/legacy.py: the old import paths serve exactly the lectures that still need them, and no one else.

An entry that no committed lecture uses any more fails here, so the bridge is deleted with its last user;
a lecture that uses an old path without being listed as pending fails too.
"""

import json
import re
from pathlib import Path

import pytest

import utils.recipes
from utils import legacy
from utils.experiments import EXPERIMENTS
from utils.published import PUBLISHED

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = {p.name[:2]: p for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}


def _code(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def _old_paths(code: str) -> set[str]:
    """The old (module, name) paths of legacy.MOVED that ``code`` imports."""
    found = set()
    for module, names in legacy.MOVED.items():
        for line in re.findall(rf"^\s*from\s+{re.escape(module)}\s+import\s+([^\n#]+)", code, re.M):
            found |= {f"{module}.{n}" for n in re.findall(r"\w+", line) if n in names}
    return found


def test_the_old_paths_give_the_same_objects():
    assert utils.recipes.EXPERIMENTS is EXPERIMENTS
    assert utils.recipes.PUBLISHED is PUBLISHED
    with pytest.raises(AttributeError, match="no attribute 'NOT_A_NAME'"):
        utils.recipes.NOT_A_NAME  # noqa: B018


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_only_pending_lectures_use_old_paths(number):
    used = _old_paths(_code(NOTEBOOKS[number]))
    if number in legacy.PENDING:
        assert used, f"notebook {number} no longer uses an old import path: remove it from utils.legacy.PENDING"
    else:
        assert not used, f"notebook {number} imports {sorted(used)} by an old path; import them from their module"


def test_every_entry_still_has_a_user():
    used = set().union(*(_old_paths(_code(p)) for p in NOTEBOOKS.values()))
    entries = {f"{module}.{name}" for module, names in legacy.MOVED.items() for name in names}
    assert entries <= used, f"no lecture uses {sorted(entries - used)} any more: delete them from utils.legacy"
    assert legacy.PENDING, "no lecture is pending: delete utils/legacy.py and utils.recipes.__getattr__"


def test_code_outside_the_pending_lectures_uses_no_old_path():
    offenders = []
    for folder in ("utils", "benchmarks", "classroom", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name in ("legacy.py", "test_legacy.py"):
                continue
            if _old_paths(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"old import paths used outside the pending lectures: {offenders}"
