"""Vendor the explorer's web assets from the npm registry: ``python scripts/vendor_assets.py``.

Every ``graph/assets/vendor/*.vendor.json`` names one npm package, its version, its licence and
the files taken from its tarball::

    {"package": "cytoscape-fcose", "version": "2.2.0", "licence": "MIT",
     "files": {"cytoscape-fcose.js": "cytoscape-fcose.js"}}

(``files`` maps a path inside the package to a file name in ``graph/assets/vendor``). The script
runs ``npm pack`` for each (the npm registry; no CDN), copies the files, and makes sure each
starts with a comment naming the package, version and licence: a file whose own header does not
name its licence gets one line added on top, and the package's LICENSE text is kept beside it as
``<package>.LICENSE.txt``. ``--check`` only verifies that the vendored files are present and
headed (no network); tests/browser/test_vendored.py runs that check.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "graph" / "assets" / "vendor"
_COMMENT = {".js": ("/*! ", " */\n"), ".css": ("/*! ", " */\n")}


def manifests(folder: Path = VENDOR) -> list[dict]:
    """The vendored packages, one dict per ``*.vendor.json`` file, sorted by package name."""
    out = []
    for path in sorted(folder.glob("*.vendor.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        entry["manifest"] = path.name
        out.append(entry)
    return out


def header(entry: dict) -> str:
    """The line every vendored file starts with (or holds in its first lines)."""
    return (
        f"{entry['package']} {entry['version']} | {entry['licence']} licence | vendored from the npm registry"
    )


def problems(folder: Path = VENDOR) -> list[str]:
    """What is wrong with the vendored files: missing, or not naming package, version and licence."""
    found = []
    for entry in manifests(folder):
        for name in entry["files"].values():
            target = folder / name
            if not target.exists():
                found.append(f"{entry['manifest']}: {name} is missing (run scripts/vendor_assets.py)")
                continue
            head = target.read_text(encoding="utf-8", errors="replace")[:2000]
            if Path(name).suffix in _COMMENT and header(entry) not in head:
                found.append(f"{entry['manifest']}: {name} does not start with its header {header(entry)!r}")
    return found


def _pack(entry: dict, work: Path) -> Path:
    spec = f"{entry['package']}@{entry['version']}"
    out = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(work)],
        check=True,
        capture_output=True,
        text=True,
        cwd=work,
    )
    tarball = work / out.stdout.strip().splitlines()[-1]
    root = work / entry["package"].replace("/", "_")
    with tarfile.open(tarball) as tar:
        tar.extractall(root, filter="data")
    return root / "package"


def vendor(entry: dict, folder: Path = VENDOR) -> None:
    """Fetch one package with ``npm pack`` and copy its files, headed, into ``folder``."""
    with tempfile.TemporaryDirectory() as tmp:
        package = _pack(entry, Path(tmp))
        for source, name in entry["files"].items():
            text = (package / source).read_text(encoding="utf-8")
            start, end = _COMMENT.get(Path(name).suffix, ("", ""))
            if start:
                text = start + header(entry) + end + text
            (folder / name).write_text(text, encoding="utf-8")
        licences = [p for p in package.iterdir() if p.name.upper().startswith(("LICENSE", "LICENCE"))]
        if licences:
            shutil.copyfile(
                licences[0], folder / (entry["package"].replace("/", "_").lstrip("@") + ".LICENSE.txt")
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the vendored files; no network")
    parser.add_argument("packages", nargs="*", help="only these packages (default: all)")
    args = parser.parse_args(argv)
    if not args.check:
        for entry in manifests():
            if not args.packages or entry["package"] in args.packages:
                vendor(entry)
                print(f"vendored {entry['package']} {entry['version']}")
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
