"""Benchmarks of the collection's headline models: ``python -m benchmarks`` writes BENCHMARKS.md.

- :mod:`benchmarks.tasks`      one model per process: train from :mod:`utils.recipes`, measure, baselines
- :mod:`benchmarks.conv`, :mod:`benchmarks.anomaly`, :mod:`benchmarks.vae`, :mod:`benchmarks.maps`  notebooks
  05-08: each its task, its report section (``render_section``) and its relations (``check``)
- :mod:`benchmarks.report`     the markdown report (one ``render_*`` function per section) and the relations
- :mod:`benchmarks.throughput` images per second of several training paths
- :mod:`benchmarks.seeds`      ``--seeds N``: every task with several seeds, the spread of each headline number
  and the lectures' comparisons decided by :func:`utils.stats.runs_differ`
- :mod:`benchmarks.common`     what they share: backend display names, which backends ran a task, tables, the
  seeds of run ``seed`` (``run_seed``)
"""
