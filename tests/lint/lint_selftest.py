#!/usr/bin/env python3
"""lint_selftest: scripts/lint really fails — fed a badly formatted C++ file and a JavaScript file
with an error, it exits 1 naming each; fed clean ones it passes.

Usage: lint_selftest.py REPO_ROOT
"""
import os, subprocess, sys, tempfile, unittest

ROOT = sys.argv[1]
LINT = os.path.join(ROOT, "scripts/lint")


def lint(*files):
    return subprocess.run([LINT, *files], capture_output=True, text=True, cwd=ROOT, timeout=300)


class LintSelfTest(unittest.TestCase):
    def test_a_formatting_difference_fails(self):
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.cpp")
            with open(bad, "w") as f:
                f.write("int  main( ){return 0;}\n")
            p = lint(bad)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("bad.cpp", p.stderr)
            good = os.path.join(d, "good.cpp")
            with open(good, "w") as f:
                f.write("int main() { return 0; }\n")
            p = lint(good)
            self.assertEqual(p.returncode, 0, p.stderr)

    def test_an_eslint_error_fails(self):
        # inside web/src so the dashboard's ESLint rules apply to it
        os.makedirs(os.path.join(ROOT, "web/src"), exist_ok=True)
        path = os.path.join(ROOT, "web/src", f"lint-selftest-{os.getpid()}.js")
        try:
            with open(path, "w") as f:
                f.write("var unused = 1;\nexport const x = 2;\n")
            p = lint(path)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("no-var", p.stdout + p.stderr)
            with open(path, "w") as f:
                f.write("export const x = 2;\n")
            p = lint(path)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        finally:
            os.remove(path)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
