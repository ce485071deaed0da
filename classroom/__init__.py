"""A classroom kit for the lectures: ``python -m classroom <command>`` (README, *Teaching with it*).

- ``students``: write the student copies of the lectures into ``student/`` (:mod:`classroom.students`):
  outputs cleared, everything else as in ``notebooks/``.
- ``export-cache FILE`` / ``import-cache FILE``: the filled train-or-load cache as one archive file that a
  lecturer hands out and students import (:mod:`classroom.cache_archive`).
- ``tag-checks``: give the lectures' check cells the ``hide-input`` tag, so that the course website shows
  their printed line and keeps their code behind a toggle (:mod:`classroom.tags`).

The kit needs only Python's standard library (it runs in the lighter student install); ``import-cache``
asks Keras for its version and backend.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project: notebooks/, student/, utils/


class ClassroomError(Exception):
    """Bad input to a classroom command: the message says what is wrong and how to fix it (exit status 2)."""
