"""Test session settings: by default the notebooks run in quick mode, always train (cache off) and draw
off-screen; a setting already in the environment is kept, so `AE_MODE=full pytest notebooks/` rehearses
a class in full mode (add AE_CACHE=on to fill the train-or-load cache on the way).

The notebook kernels that nbval starts inherit this environment. tests/fixtures/ holds notebooks for
tests/test_harness.py, which runs them itself; the normal run does not collect them.
"""

import os

os.environ.setdefault("AE_MODE", "quick")
os.environ.setdefault("AE_CACHE", "off")
os.environ.setdefault("MPLBACKEND", "Agg")

collect_ignore = ["tests/fixtures"]
