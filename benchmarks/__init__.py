"""Benchmarks of the collection's headline models: ``python -m benchmarks`` writes BENCHMARKS.md.

- :mod:`benchmarks.tasks`      one model per process: train from :mod:`utils.recipes`, measure, baselines
- :mod:`benchmarks.report`     the markdown report and the relations checked
- :mod:`benchmarks.throughput` images per second of several training paths
"""
