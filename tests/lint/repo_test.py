#!/usr/bin/env python3
"""repo_test: the tree keeps its own promises.

- Every document a source file, test, script or doc cites (docs/….md, or a bare file name) exists in
  the repository: a fresh clone resolves every citation.
- Layering: each subsystem includes only what it may (docs/architecture.md, "Subsystems"); the
  HJ 212 codec depends on core only.

Usage: repo_test.py REPO_ROOT
"""
import os, re, subprocess, sys, unittest

ROOT = sys.argv[1]

# subsystem (folder or file prefix under src/) → the subsystems its files may include
ALLOWED = {
    "core": {"core"},
    "quality": {"core", "quality"},
    "plan": {"core", "plan"},
    "hj212/codec": {"core", "hj212/codec"},
    "hj212/ingest": {"core", "hj212/codec", "hj212/ingest", "store", "plan"},
    "hj212/simulator": {"core", "hj212/codec", "hj212/simulator", "store", "plan"},
    "hj212/listener": {"core", "hj212/codec", "hj212/ingest", "hj212/listener", "store", "plan"},
    "store": {"core", "store", "plan"},
    "service": {"core", "plan", "quality", "hj212/codec", "store", "service"},
    "export": {"core", "plan", "quality", "hj212/codec", "store", "service", "export"},
    "http": {"core", "plan", "quality", "hj212/codec", "store", "service", "export", "http"},
    "app": None,  # the top: anything
}


def subsystem(rel):
    """src-relative path → subsystem name."""
    if rel.startswith("hj212/"):
        name = rel[len("hj212/"):]
        if name.startswith("listener/"):
            return "hj212/listener"
        if name.startswith("ingest."):
            return "hj212/ingest"
        if name.startswith("simulator."):
            return "hj212/simulator"
        return "hj212/codec"
    return rel.split("/")[0]


def tracked(*patterns):
    out = subprocess.run(["git", "ls-files", *patterns], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return [p for p in out.split("\n") if p]


class Repo(unittest.TestCase):
    def test_every_cited_document_exists(self):
        missing = []
        files = tracked("src", "tests", "bench", "scripts", "web/public/*.js", "web/e2e", "docs", "README.md", "data/plans")
        cite = re.compile(r"(?<![\w/.-])((?:docs|data|tests|bench|scripts|web)/[\w./-]+\.md|[\w-]+\.md)\b")
        for f in files:
            # the reference notes quote external documents by their own names
            if f.endswith((".png", ".geojson", ".xlsx")) or "/vendor/" in f or f.startswith("docs/reference/"):
                continue
            try:
                with open(os.path.join(ROOT, f), encoding="utf-8") as src:
                    text = src.read()
            except UnicodeDecodeError:
                continue
            for m in cite.finditer(text):
                path = m.group(1)
                here = os.path.join(os.path.dirname(os.path.join(ROOT, f)), path)
                if not (os.path.exists(os.path.join(ROOT, path)) or os.path.exists(here)):
                    missing.append(f"{f}: {path}")
        self.maxDiff = None
        self.assertEqual(missing, [], "citations that do not resolve in the repository")

    def test_layering(self):
        wrong = []
        for f in tracked("src/*.cpp", "src/*.h"):
            rel = f[len("src/"):]
            me = subsystem(rel)
            allowed = ALLOWED.get(me, set())
            if allowed is None:
                continue
            with open(os.path.join(ROOT, f), encoding="utf-8") as src:
                lines = src.readlines()
            for line in lines:
                m = re.match(r'#include "([\w/.]+)"', line)
                if m and subsystem(m.group(1)) not in allowed:
                    wrong.append(f"{f} includes {m.group(1)} ({me} may include {sorted(allowed)})")
        self.assertEqual(wrong, [])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
