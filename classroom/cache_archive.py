"""The train-or-load cache as one archive file: a lecturer exports it, students import it.

``python -m classroom export-cache FILE`` packs every complete entry of the cache (``.model_cache/``, or
``AE_CACHE_DIR``; see :mod:`utils.cache`: ``<label>-<key>.npz`` weights and ``<label>-<key>.json`` metadata)
into a zip file with a manifest; ``python -m classroom import-cache FILE`` checks the archive and adds its
entries to the student's cache, after which every notebook loads its models instead of training them.

Export

- takes the entries whose weights match the checksum in their metadata and whose metadata records the
  Keras backend and version they were trained with (``utils.cache.record_runtime``; an entry of an older
  cache gets them the next time a notebook loads it); it names every entry it leaves out, and why;
- writes the archive atomically (a temporary file in the same folder, renamed when complete): a failed or
  interrupted export leaves no half archive. It never replaces an existing file unless asked (``--force``).
- The manifest (``classroom-cache.json`` inside the archive) lists every entry with its full key, backend,
  Keras version and the SHA-256 and size of both files.

Import refuses, with exit status 2 and a message that says what is wrong and what to do, and without
changing the cache:

- a file that is not a zip archive (it says what the file is instead: empty, an HTML page, text, gzip...),
  a damaged or truncated archive, a zip file without this manifest, an archive whose files do not match
  the manifest's checksums or sizes, or whose member names could write outside the cache (``../x``,
  ``/etc/x``, sub-folders);
- an archive none of whose entries this environment can use: trained with another Keras version or
  another backend (the cache key contains both, so the notebooks would never load them). Entries for
  another backend beside usable ones are skipped and named (import again with that ``KERAS_BACKEND``);
- an entry whose file name is already in the cache with other weights (for instance trained on the
  student's own machine): it names them and keeps the existing ones; ``--keep-existing`` imports the rest,
  ``--replace`` takes the archive's. An identical entry is skipped.

It extracts into a temporary folder inside the cache first and moves the files into place only when all
of them are checked (weights first, then the metadata that makes the entry visible).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import re
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import ClassroomError

MANIFEST = "classroom-cache.json"
FORMAT = 1
KIND = "train-or-load cache of the autoencoder lectures"
#: An entry's file name, as utils.cache.ModelCache.entry writes it: <label>-<first 16 hex digits of the key>, the
#: label's characters other than letters, digits and "-_." replaced by "_" (so never a "/" or "\\").
ENTRY_FILE = re.compile(r"^(?P<stem>[\w.-]+-(?P<key16>[0-9a-f]{16}))\.(?P<ext>npz|json)$")
MAX_MEMBER_BYTES = 2 * 1024**3  # far above any model of the lectures; a larger member is refused
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # member dates: the same cache exports the same bytes
FILL_HINT = ("run each lecture once in full mode to fill it (README, 'Teaching with it'), or point --cache-dir "
             "(or AE_CACHE_DIR) at the folder that holds it")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def mb(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:.1f} MB"


@dataclass(frozen=True)
class CacheEntry:
    """A complete entry of a cache folder, with what the manifest records of it."""

    stem: str
    key: str
    backend: str
    keras: str
    weights: Path
    meta: Path

    def runtime(self) -> str:
        return f"Keras {self.keras}, backend {self.backend}"


def scan_cache(folder: Path) -> tuple[list[CacheEntry], dict[str, str]]:
    """The complete entries of the cache in ``folder``, and name -> reason for every entry left out."""
    entries, left_out = [], {}
    for meta_file in sorted(folder.glob("*.json")):
        m = ENTRY_FILE.match(meta_file.name)
        if not m:
            continue  # not a cache entry
        stem = m["stem"]
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            key, sha = meta["key"], meta["weights_sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            left_out[stem] = "its metadata cannot be read"
            continue
        weights = meta_file.with_suffix(".npz")
        if not isinstance(key, str) or not key.startswith(m["key16"]):
            left_out[stem] = "its metadata's key does not match its file name"
        elif not weights.is_file():
            left_out[stem] = "its weights file is missing"
        elif _sha256(weights.read_bytes()) != sha:
            left_out[stem] = "its weights do not match their checksum (damaged)"
        elif not (isinstance(meta.get("backend"), str) and isinstance(meta.get("keras"), str)):
            left_out[stem] = ("it does not record its Keras version and backend (an entry from before they were "
                              "recorded): run its notebook once more, which loads it in seconds and records them")
        else:
            entries.append(CacheEntry(stem, key, meta["backend"], meta["keras"], weights, meta_file))
    return entries, left_out


@dataclass
class ExportReport:
    archive: Path
    entries: list[CacheEntry]
    left_out: dict[str, str]
    size: int

    def lines(self) -> list[str]:
        runtimes: dict[str, int] = {}
        for e in self.entries:
            runtimes[e.runtime()] = runtimes.get(e.runtime(), 0) + 1
        out = [f"exported {len(self.entries)} trained models to {self.archive} ({mb(self.size)}): "
               + "; ".join(f"{n} with {r}" for r, n in sorted(runtimes.items()))]
        out += [f"left out {stem}: {why}" for stem, why in sorted(self.left_out.items())]
        out.append(f"students import it with: python -m classroom import-cache {self.archive.name}")
        return out


def export_cache(archive: Path, cache_dir: Path, *, force: bool = False) -> ExportReport:
    """Write every complete entry of the cache in ``cache_dir`` to the zip file ``archive`` (see the module's
    docstring); :class:`ClassroomError` when there is nothing to export or the file cannot be written."""
    archive, cache_dir = Path(archive), Path(cache_dir)
    if not cache_dir.is_dir():
        raise ClassroomError(f"there is no train-or-load cache at {cache_dir}: {FILL_HINT}.")
    entries, left_out = scan_cache(cache_dir)
    if not entries:
        detail = f" ({len(left_out)} incomplete or damaged: " + "; ".join(
            f"{s}: {w}" for s, w in sorted(left_out.items())[:5]) + ")" if left_out else ""
        raise ClassroomError(f"the train-or-load cache at {cache_dir} holds no complete entry to export{detail}: "
                             f"{FILL_HINT}.")
    if archive.is_dir():
        raise ClassroomError(f"{archive} is a folder: give the archive's file name, e.g. {archive / 'cache.zip'}")
    if archive.exists() and not force:
        raise ClassroomError(f"{archive} exists already: give another name, or add --force to replace it.")
    if not archive.parent.is_dir():
        raise ClassroomError(f"cannot write {archive}: its folder {archive.parent} does not exist.")
    manifest: dict[str, Any] = {"format": FORMAT, "kind": KIND, "python": platform.python_version(), "entries": []}
    payload: list[tuple[str, bytes]] = []
    for e in entries:
        files = {}
        for path in (e.weights, e.meta):
            data = path.read_bytes()
            files[path.name] = {"sha256": _sha256(data), "size": len(data)}
            payload.append((path.name, data))
        manifest["entries"].append({"name": e.stem, "key": e.key, "backend": e.backend, "keras": e.keras,
                                    "files": files})
    fd, tmp = tempfile.mkstemp(dir=archive.parent, prefix=f".{archive.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(zipfile.ZipInfo(MANIFEST, FIXED_TIME), json.dumps(manifest, indent=1, sort_keys=True),
                       compress_type=zipfile.ZIP_DEFLATED)
            for name, data in payload:
                z.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # a file to hand out: readable as any new file (mkstemp makes it private)
        os.replace(tmp, archive)
    except OSError as exc:
        raise ClassroomError(f"cannot write {archive} ({exc}); nothing was written.") from exc
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return ExportReport(archive, entries, left_out, archive.stat().st_size)


def describe_file(head: bytes) -> str:
    """What a file that is not a zip archive looks like, from its first bytes."""
    if not head:
        return "an empty file"
    if head.startswith(b"PK"):
        return "a damaged or truncated zip archive (copy or download it again)"
    if head.startswith(b"\x1f\x8b"):
        return "a gzip file"
    if head.startswith(b"version https://git-lfs"):
        return "a Git LFS pointer, not the file itself (git lfs pull)"
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<")):
        return "an HTML or XML page (a download link that led to a web page?)"
    if stripped.startswith((b"{", b"[")):
        return "a JSON file (a single cache entry's metadata? the archive is the .zip file export-cache writes)"
    try:
        head.decode("utf-8")
        return "a text file"
    except UnicodeDecodeError:
        return "a binary file of another kind"


@dataclass
class ImportReport:
    archive: Path
    cache_dir: Path
    imported: list[str] = field(default_factory=list)
    identical: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    other_runtime: dict[str, str] = field(default_factory=dict)
    size: int = 0

    def lines(self) -> list[str]:
        out = [f"imported {len(self.imported)} trained models into {self.cache_dir} ({mb(self.size)})"]
        if self.identical:
            out.append(f"{len(self.identical)} were in the cache already, identical: skipped")
        if self.replaced:
            out.append(f"replaced {len(self.replaced)} that held other weights or were damaged: "
                       + ", ".join(self.replaced))
        if self.kept:
            out.append(f"kept your own {len(self.kept)} that hold other weights for the same training run: "
                       + ", ".join(self.kept))
        by_runtime: dict[str, int] = {}
        for r in self.other_runtime.values():
            by_runtime[r] = by_runtime.get(r, 0) + 1
        for r, n in sorted(by_runtime.items()):
            backend = r.rsplit("backend ", 1)[-1]
            out.append(f"skipped {n} trained with {r}, which this environment does not use: to use them, "
                       f"import again with KERAS_BACKEND={backend} set and the same Keras version")
        return out


def current_runtime() -> dict[str, str]:
    """This environment's Keras version and backend (what the cache key contains)."""
    try:
        from utils.backend import import_keras  # hides TensorFlow's start-up lines
        keras = import_keras()
    except ImportError:
        import keras
    return {"backend": keras.backend.backend(), "keras": keras.__version__}


def _read_manifest(z: zipfile.ZipFile, name: str) -> list[dict[str, Any]]:
    names = z.namelist()
    bad = [n for n in names if n != MANIFEST and not ENTRY_FILE.match(n)]
    if bad:
        raise ClassroomError(f"{name}: refused, it holds files that are not cache entries or that would be written "
                             f"outside the cache folder: {', '.join(repr(b) for b in bad[:5])}. Nothing was "
                             "imported; use an archive written by `python -m classroom export-cache`.")
    if MANIFEST not in names:
        raise ClassroomError(f"{name}: a zip file, but not a cache archive (it has no {MANIFEST}); export one with "
                             "`python -m classroom export-cache FILE`.")
    if len(set(names)) != len(names):
        raise ClassroomError(f"{name}: refused, it holds the same file name twice. Nothing was imported.")
    try:
        manifest = json.loads(z.read(MANIFEST))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ClassroomError(f"{name}: its manifest is damaged ({exc}); copy or download the archive again.") from exc
    if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
        raise ClassroomError(f"{name}: not a cache archive of these lectures (its manifest is of another kind).")
    if manifest.get("format") != FORMAT:
        raise ClassroomError(f"{name}: archive format {manifest.get('format')!r}, this version reads {FORMAT}: "
                             "update the project (git pull) or export the archive again with this version.")
    entries = manifest.get("entries")
    if not isinstance(entries, list):
        raise ClassroomError(f"{name}: its manifest lists no entries.")
    listed: set[str] = set()
    for e in entries:
        try:
            stem, key, files = e["name"], e["key"], e["files"]
            ok = (isinstance(e["backend"], str) and isinstance(e["keras"], str) and isinstance(key, str)
                  and set(files) == {f"{stem}.npz", f"{stem}.json"} and ENTRY_FILE.match(f"{stem}.npz")
                  and key.startswith(ENTRY_FILE.match(f"{stem}.npz")["key16"])
                  and all(isinstance(f["sha256"], str) and isinstance(f["size"], int) for f in files.values()))
        except (KeyError, TypeError, AttributeError):
            ok = False
        if not ok:
            raise ClassroomError(f"{name}: its manifest is damaged (an entry is incomplete: {str(e)[:120]}).")
        listed.update(files)
    members = set(names) - {MANIFEST}
    if members != listed:
        missing, extra = sorted(listed - members), sorted(members - listed)
        raise ClassroomError(f"{name}: damaged, its files do not match its manifest (missing: {missing[:5]}, not "
                             f"listed: {extra[:5]}). Nothing was imported; copy or download it again.")
    return entries


def _existing_state(cache_dir: Path, stem: str, key: str, weights_sha: str) -> str:
    """``"absent"``, ``"identical"``, ``"damaged"`` or ``"different"``: what the cache holds under ``stem``."""
    meta_file = cache_dir / f"{stem}.json"
    if not meta_file.exists():
        return "absent"
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        weights = cache_dir / f"{stem}.npz"
        if _sha256(weights.read_bytes()) != meta["weights_sha256"]:
            return "damaged"
    except (OSError, ValueError, KeyError, TypeError):
        return "damaged"
    return "identical" if meta.get("key") == key and meta["weights_sha256"] == weights_sha else "different"


def import_cache(archive: Path, cache_dir: Path, *, runtime: dict[str, str] | None = None,
                 on_conflict: str = "stop") -> ImportReport:
    """Check ``archive`` and add its entries to the cache in ``cache_dir`` (see the module's docstring).

    ``runtime``: the Keras ``backend`` and ``keras`` version to import for (default: this environment's).
    ``on_conflict``: ``"stop"`` (refuse, change nothing), ``"keep"`` (keep the existing entries, import the
    rest) or ``"replace"`` (take the archive's), for entries whose name the cache holds with other weights.
    """
    if on_conflict not in ("stop", "keep", "replace"):
        raise ValueError(f"on_conflict must be 'stop', 'keep' or 'replace', got {on_conflict!r}")
    archive, cache_dir = Path(archive), Path(cache_dir)
    name = archive.name
    if not archive.exists():
        raise ClassroomError(f"{archive}: no such file.")
    if not archive.is_file():
        raise ClassroomError(f"{archive} is not a file: give the archive that `python -m classroom export-cache` "
                             "wrote.")
    with open(archive, "rb") as f:
        head = f.read(64)
    if not zipfile.is_zipfile(archive):
        raise ClassroomError(f"{name} is not a cache archive: it is {describe_file(head)}. Give the .zip file that "
                             "`python -m classroom export-cache` wrote.")
    report = ImportReport(archive, cache_dir)
    try:
        with zipfile.ZipFile(archive) as z:
            entries = _read_manifest(z, name)
            runtime = runtime or current_runtime()
            usable = [e for e in entries if e["backend"] == runtime["backend"] and e["keras"] == runtime["keras"]]
            if not usable:
                theirs = sorted({f"Keras {e['keras']}, backend {e['backend']}" for e in entries}) or ["no entries"]
                raise ClassroomError(
                    f"{name}: none of its {len(entries)} models can be used here. They were trained with "
                    f"{'; '.join(theirs)}; this environment has Keras {runtime['keras']}, backend "
                    f"{runtime['backend']}, and the cache only loads models trained with the same Keras version and "
                    "backend (the notebooks would train them again). Fix: install that Keras version "
                    "(pip install keras==VERSION) and/or set KERAS_BACKEND, or ask for an archive exported "
                    "with yours. Nothing was imported.")
            report.other_runtime = {e["name"]: f"Keras {e['keras']}, backend {e['backend']}"
                                    for e in entries if e not in usable}
            conflicts = []
            plan = []
            for e in usable:
                weights_sha = e["files"][f"{e['name']}.npz"]["sha256"]
                state = _existing_state(cache_dir, e["name"], e["key"], weights_sha)
                if state == "identical":
                    report.identical.append(e["name"])
                elif state == "different" and on_conflict != "replace":
                    conflicts.append(e["name"])
                else:
                    plan.append((e, state))
            if conflicts and on_conflict == "stop":
                raise ClassroomError(
                    f"{len(conflicts)} of the archive's models are in your cache already with other weights (trained "
                    f"on this machine, or imported from another archive): {', '.join(conflicts[:10])}"
                    f"{' ...' if len(conflicts) > 10 else ''}. Nothing was imported or overwritten. Run again with "
                    "--keep-existing to keep yours and import the rest, or with --replace to use the archive's.")
            report.kept = conflicts
            if plan:
                cache_dir.mkdir(parents=True, exist_ok=True)
                staging = Path(tempfile.mkdtemp(dir=cache_dir, prefix=".import-"))
                try:
                    _extract(z, name, plan, staging)
                    for e, state in plan:
                        for ext in ("npz", "json"):  # the metadata last: it makes the entry visible
                            os.replace(staging / f"{e['name']}.{ext}", cache_dir / f"{e['name']}.{ext}")
                        (report.replaced if state in ("different", "damaged") else report.imported).append(e["name"])
                        report.size += sum(f["size"] for f in e["files"].values())
                finally:
                    shutil.rmtree(staging, ignore_errors=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as exc:
        raise ClassroomError(f"{name} is damaged ({exc}); nothing was imported. Copy or download it again.") from exc
    except OSError as exc:
        raise ClassroomError(f"cannot import into {cache_dir} ({exc}); nothing was imported. Set --cache-dir "
                             "(or AE_CACHE_DIR) to a folder you can write to.") from exc
    return report


def _extract(z: zipfile.ZipFile, name: str, plan: list[tuple[dict[str, Any], str]], staging: Path) -> None:
    """Write the files of ``plan`` into ``staging``, each checked against the manifest's size and checksum."""
    for e, _ in plan:
        for member, expected in e["files"].items():
            info = z.getinfo(member)
            if info.file_size != expected["size"] or expected["size"] > MAX_MEMBER_BYTES:
                raise ClassroomError(f"{name}: damaged, {member} has {info.file_size} bytes, its manifest says "
                                     f"{expected['size']}. Nothing was imported; copy or download it again.")
            h, out = hashlib.sha256(), io.BytesIO()
            with z.open(info) as src:
                for chunk in iter(lambda src=src: src.read(1 << 20), b""):
                    h.update(chunk)
                    out.write(chunk)
            if h.hexdigest() != expected["sha256"]:
                raise ClassroomError(f"{name}: damaged, {member} does not match its checksum in the manifest. Nothing "
                                     "was imported; copy or download the archive again.")
            data = out.getvalue()
            if member.endswith(".json"):
                _check_meta(data, e, name)
            (staging / member).write_bytes(data)


def _check_meta(data: bytes, e: dict[str, Any], name: str) -> None:
    """The entry's metadata must agree with the manifest (key, backend, Keras version, weights checksum)."""
    try:
        meta = json.loads(data)
        agrees = (meta["key"] == e["key"] and meta.get("backend") == e["backend"] and meta.get("keras") == e["keras"]
                  and meta["weights_sha256"] == e["files"][f"{e['name']}.npz"]["sha256"])
    except (ValueError, KeyError, TypeError):
        agrees = False
    if not agrees:
        raise ClassroomError(f"{name}: damaged, the metadata of {e['name']} disagrees with the manifest. Nothing was "
                             "imported; export the archive again.")
