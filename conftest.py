"""Test session settings: notebooks run in quick mode, always train (cache off), draw off-screen.

The notebook kernels that nbval starts inherit this environment.
"""

import os

os.environ["AE_MODE"] = "quick"
os.environ["AE_CACHE"] = "off"
os.environ.setdefault("MPLBACKEND", "Agg")
