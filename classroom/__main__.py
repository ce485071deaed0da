"""``python -m classroom <command>``: the classroom kit (see :mod:`classroom`). Exit status 0 when done, 1 when
``students --check`` finds stale copies, 2 on bad input (the message says what is wrong and what to do)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import ROOT, ClassroomError


def _cache_dir(given: str | None) -> Path:
    if given:
        return Path(given).expanduser()
    sys.path.insert(0, str(ROOT))
    from utils.config import cache_dir  # standard library only: starts no Keras backend

    folder = cache_dir()
    if folder is None:
        raise ClassroomError("the train-or-load cache is switched off here (AE_CACHE=off): unset AE_CACHE, or give "
                             "the folder with --cache-dir.")
    return folder


def _students(args: argparse.Namespace) -> int:
    from .students import LECTURES, stale_copies, write_student_copies

    out = (ROOT / args.out).resolve() if args.out else ROOT / "student"
    if out.parent != ROOT:
        raise ClassroomError(f"--out must be a folder directly inside the project ({ROOT}), like student/: the copies "
                             "find utils/ through '..'.")
    if args.check:
        stale = stale_copies(LECTURES, out)
        for name in stale:
            print(f"stale or missing: {out.name}/{name}")
        print(f"{out.name}/ is up to date" if not stale else "run `python -m classroom students` to write them")
        return 1 if stale else 0
    done = write_student_copies(LECTURES, out, force=args.force)
    print(f"student copies in {out}: {len(done.written)} written, {len(done.unchanged)} unchanged"
          + (f", removed {', '.join(done.removed)} (no such lecture)" if done.removed else ""))
    return 0


def _export(args: argparse.Namespace) -> int:
    from .cache_archive import export_cache

    report = export_cache(Path(args.file), _cache_dir(args.cache_dir), force=args.force)
    print("\n".join(report.lines()))
    return 0


def _import(args: argparse.Namespace) -> int:
    from .cache_archive import import_cache

    on_conflict = "replace" if args.replace else "keep" if args.keep_existing else "stop"
    report = import_cache(Path(args.file), _cache_dir(args.cache_dir), on_conflict=on_conflict)
    print("\n".join(report.lines()))
    return 0


def _tag(args: argparse.Namespace) -> int:
    from .tags import tag_notebooks

    report = tag_notebooks(ROOT / "notebooks", write=not args.dry_run)
    for name, (cells, changed) in report.items():
        checks = [i for i, k in cells.items() if k == "check"]
        figures = [i for i, k in cells.items() if k == "figure"]
        verb = "would tag" if args.dry_run else "tagged"
        print(f"{name}: check cells {checks}, figure cells {figures} (cell indices from 0); "
              f"{verb} {len(changed)} now")
    return 0


def _timing(args: argparse.Namespace) -> int:
    from .timing import sections

    for name in args.notebooks:
        core = [s for s in sections(Path(name)) if s.core]
        print(f"{Path(name).name}: core and summary {sum(s.minutes for s in core):.0f} minutes in class")
        for s in core:
            print(f"  {s.minutes:5.1f} min  {s.words:5,} words, {s.questions} predict, "
                  f"run {s.run_seconds / 60:4.1f} min  {s.title}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classroom", description="The lectures' classroom kit.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = commands.add_parser("timing", help="minutes in class per core section of executed notebooks (the class plan)")
    p.add_argument("notebooks", nargs="+", help="executed notebooks, e.g. notebooks/01_intro.ipynb")
    p.set_defaults(run=_timing)
    p = commands.add_parser("students", help="write the student copies of the lectures into student/")
    p.add_argument("--force", action="store_true", help="replace copies that were run or edited")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if student/ is not up to date")
    p.add_argument("--out", help=argparse.SUPPRESS)  # another folder beside notebooks/ (default student)
    p.set_defaults(run=_students)
    p = commands.add_parser("export-cache", help="write the filled train-or-load cache to one archive file")
    p.add_argument("file", help="the archive to write, e.g. autoencoders-cache.zip")
    p.add_argument("--cache-dir", help="the cache folder (default: AE_CACHE_DIR, else .model_cache/)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(run=_export)
    p = commands.add_parser("import-cache", help="add the models of a cache archive to the train-or-load cache")
    p.add_argument("file", help="the archive that export-cache wrote")
    p.add_argument("--cache-dir", help="the cache folder (default: AE_CACHE_DIR, else .model_cache/)")
    choice = p.add_mutually_exclusive_group()
    choice.add_argument("--keep-existing", action="store_true",
                        help="keep entries your cache holds with other weights; import the rest")
    choice.add_argument("--replace", action="store_true", help="replace such entries with the archive's")
    p.set_defaults(run=_import)
    p = commands.add_parser("tag-cells", help="hide the check and figure cells' code on the website (hide-input)")
    p.add_argument("--dry-run", action="store_true", help="list the cells, write nothing")
    p.set_defaults(run=_tag)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ClassroomError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
