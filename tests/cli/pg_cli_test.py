#!/usr/bin/env python3
"""pg_cli_test: a county moved to PostgreSQL and kept there, through the real binary.

A demo county (plan, measurements, reports, stations with a day of HJ 212 data, the one map's
layers, coverage, an ecosystem account, users) is built in SQLite; `db migrate` copies it into an
empty PostgreSQL database; the copy verifies (`audit verify`), and every view answers the same on
both (the progress table, the API's targets and stations); a second migrate into the same database
is refused; `db backup` on PostgreSQL writes a pg_dump archive that pg_restore brings back into a
new database, which verifies too.

Run under tests/support/with_postgres.sh. Usage: pg_cli_test.py PATH/TO/shanshui SOURCE_DIR
"""
import http.client, json, os, shutil, subprocess, sys, tempfile, time, unittest
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from peers import free_port  # noqa: E402

BIN, SRC = sys.argv[1], sys.argv[2]
ADMIN = os.environ.get("SHANSHUI_TEST_PG", "")


def cli(*args, ok=(0,)):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600)
    assert p.returncode in ok, (args, p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    return p


def new_database(name):
    subprocess.run(["psql", "-q", ADMIN, "-c", f"CREATE DATABASE {name}"], check=True)
    return ADMIN.replace("/shanshui?", f"/{name}?")


class Serving:
    """`shanshui serve` on a database, for as long as the with-block lasts."""

    def __init__(self, db, hj212=False):
        self.db, self.port, self.hj212 = db, free_port(), free_port() if hj212 else None

    def __enter__(self):
        args = [BIN, "serve", "--db", self.db, "--http-port", str(self.port)]
        if self.hj212:
            args += ["--hj212-port", str(self.hj212)]
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
        seen, deadline = "", time.time() + 30
        while "dashboard on" not in seen and time.time() < deadline:
            seen += self.proc.stderr.readline()
        assert "dashboard on" in seen, seen
        return self

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        c.close()
        assert r.status == 200, (path, r.status, body[:300])
        return json.loads(body)

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(20)


class MovedCounty(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        assert ADMIN, "run under tests/support/with_postgres.sh"
        cls.dir = tempfile.mkdtemp(prefix="shanshui-pgcli-")
        db = cls.sqlite = os.path.join(cls.dir, "county.db")
        cli("plan", "import", "--db", db, os.path.join(SRC, "data/plans/wushan-2023-2027.yaml"))
        cli("measure", "import", "--db", db, os.path.join(SRC, "data/demo/measurements.csv"))
        cli("report", "submit", "--claim-reported-at", "--db", db, os.path.join(SRC, "data/demo/reports.csv"))
        cli("station", "import", "--db", db, os.path.join(SRC, "data/demo/stations.csv"))
        cli("demo", "layers", "--db", db, "--out", os.path.join(cls.dir, "layers"))
        cli("coverage", "--db", db, "--record", "--year", "2026")
        rasters = os.path.join(cls.dir, "rasters")
        cli("demo", "rasters", "--db", db, "--out", rasters, "--cell", "300", "--years", "2026")
        cli("gep", "run", "--db", db, "--rasters", rasters, "--year", "2026", "--record")
        cli("user", "add", "--db", db, "--name", "eeb", "--role", "department", "--department", "eeb",
            "--password", "eeb-demo-2027")
        # A day of hourly data from the registered stations through the real listener.
        with Serving(db, hj212=True) as s:
            cli("simulate", "--db", db, "--registered", "--port", str(s.hj212), "--hours", "24", "--bad-crc", "0.05",
                "--from", "2026-03-01")
        cls.pg = new_database("county")
        cls.moved = cli("db", "migrate", "--from", "sqlite:" + db, "--to", cls.pg)
        cls.verified = {d: cli("audit", "verify", "--db", d).stdout for d in (db, cls.pg)}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_the_copy_has_every_row_and_verifies(self):
        out = self.moved.stdout
        self.assertIn("迁移完成", out)
        self.assertIn("逐表行数一致", out)
        self.assertIn("observations：", out)
        copy, source = self.verified[self.pg], self.verified[self.sqlite]
        self.assertIn("audit chain intact", copy)
        self.assertIn("data intact", copy)
        self.assertEqual(copy, source, "the same entries and rows verified on both")

    def test_every_view_answers_the_same_on_both(self):
        self.assertEqual(cli("progress", "--db", self.pg).stdout, cli("progress", "--db", self.sqlite).stdout)
        answers = {}
        for db in (self.sqlite, self.pg):
            with Serving(db) as s:
                mn = s.get("/api/stations")[0]["mn"]
                answers[db] = [s.get(p) for p in ("/api/plan", "/api/progress?as_of=2026-12-01", "/api/stations",
                                                  "/api/layers", "/api/gep?year=2026",
                                                  f"/api/stations/{mn}/observations?limit=100")]
        self.assertEqual(answers[self.sqlite], answers[self.pg])

    def test_signed_digests_of_a_postgresql_log(self):
        env = dict(os.environ, SHANSHUI_STATE_DIR=os.path.join(self.dir, "state"))
        digest = os.path.join(self.dir, "digest.json")
        subprocess.run([BIN, "audit", "digest", "--db", self.pg, "--out", digest], env=env, check=True,
                       capture_output=True)
        keys = os.listdir(os.path.join(self.dir, "state"))
        self.assertEqual(len(keys), 1)
        self.assertTrue(keys[0].startswith("pg-county-") and keys[0].endswith(".audit-key"), keys)
        v = subprocess.run([BIN, "audit", "verify", "--db", self.pg, "--digest", digest], env=env,
                           capture_output=True, text=True)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assertIn("extends the digest", v.stdout)

    def test_a_second_migration_into_the_same_database_is_refused(self):
        r = cli("db", "migrate", "--from", "sqlite:" + self.sqlite, "--to", self.pg, ok=(1,))
        self.assertIn("already holds rows", r.stderr)

    def test_backup_with_pg_dump_restores_and_verifies(self):
        archive = os.path.join(self.dir, "county.pgdump")
        b = cli("db", "backup", "--db", self.pg, "--to", archive)
        self.assertIn("pg_dump", b.stdout)
        self.assertGreater(os.path.getsize(archive), 10000)
        refused = cli("db", "backup", "--db", self.pg, "--to", archive, ok=(1,))
        self.assertIn("already exists", refused.stderr)
        restored = new_database("restored")
        subprocess.run(["pg_restore", "--no-owner", "--dbname", restored, archive], check=True)
        v = cli("audit", "verify", "--db", restored)
        self.assertIn("data intact", v.stdout)
        # The restored database is a working store: the backup's own audit entry is in it or after it.
        self.assertEqual(cli("progress", "--db", restored).stdout, cli("progress", "--db", self.pg).stdout)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
