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
    "geo": {"core", "geo"},
    "raster": {"core", "raster"},
    "ecoacct": {"core", "raster", "ecoacct"},
    "store": {"core", "store", "plan"},
    "service": {"core", "plan", "quality", "hj212/codec", "store", "geo", "raster", "ecoacct", "service"},
    "export": {"core", "plan", "quality", "hj212/codec", "store", "geo", "raster", "ecoacct", "service", "export"},
    "http": {"core", "plan", "quality", "hj212/codec", "store", "geo", "raster", "ecoacct", "service", "export", "http"},
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

    def test_every_dashboard_word_has_its_english(self):
        """Every tx('…') in web/src has a row in data/i18n/ui.tsv, and every row is used."""
        with open(os.path.join(ROOT, "data/i18n/ui.tsv"), encoding="utf-8") as f:
            rows = [line.rstrip("\n").split("\t", 1) for line in f if line.strip() and not line.startswith("#")]
        self.assertTrue(all(len(r) == 2 for r in rows), [r for r in rows if len(r) != 2][:5])
        catalogue = {r[0] for r in rows}
        used = set()
        for f in tracked("web/src/*.js"):
            with open(os.path.join(ROOT, f), encoding="utf-8") as src:
                for m in re.finditer(r"tx\('((?:[^'\\]|\\.)*)'", src.read()):
                    used.add(m.group(1).replace("\\'", "'"))
        self.assertGreater(len(used), 300)
        self.assertEqual(sorted(used - catalogue), [], "words without English: add them to data/i18n/ui.tsv")
        shell = {"跳到正文", "监测", "项目预筛查", "生态价值", "公众", "退出", "数据接口说明",
                 "数据来源：山水平台在线监测与部门报送；评价方法见各指标说明。"}  # index.html, swapped at boot
        self.assertEqual(sorted(catalogue - used - shell), [], "rows nothing uses: remove them")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
