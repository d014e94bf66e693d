#!/usr/bin/env python3
"""api_test: the HTTP API of `shanshui serve` over real sockets, with a real SQLite file — every
route, the OpenAPI description, login/CSRF/bearer/throttling, the role matrix from
tests/data/http/role-matrix.csv, the public's view, and an audit-tamper check.

Usage: api_test.py PATH/TO/shanshui SOURCE_DIR
"""
import csv, gzip, hashlib, http.client, json, os, re, shutil, socket, sqlite3, subprocess, sys, tempfile, unittest, urllib.parse
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from peers import free_port  # noqa: E402

BIN, SRC = sys.argv[1], sys.argv[2]
ROLES = {  # role → (username, extra `user add` args)
    "admin": ("admin", ["--role", "admin"]),
    "office": ("office", ["--role", "office"]),
    "department": ("eeb", ["--role", "department", "--department", "eeb"]),
    "township": ("gaotang", ["--role", "township", "--department", "高唐街道"]),
    "auditor": ("auditor", ["--role", "auditor"]),
}


def password(user):
    return user + "-test-2027"


def data_rows(name):
    """Rows of a CSV under tests/data/http/, comment lines (#) skipped."""
    with open(os.path.join(SRC, "tests/data/http", name), encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))




def cli(*args, check=True):
    r = subprocess.run([BIN, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"shanshui {' '.join(args)} failed: {r.stderr}")
    return r


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def request(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = dict(headers or {})
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    out = Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    c.close()
    return out


# The backend: SQLite files, or (CTest's http_api_test_pg, under tests/support/with_postgres.sh)
# fresh PostgreSQL databases of a throwaway cluster — the same cases on both.
PG = os.environ.get("SHANSHUI_TEST_BACKEND") == "postgresql"
_databases = [0]


def fresh_db(directory):
    """A new, empty database: a SQLite file in `directory`, or a PostgreSQL database's URI."""
    if not PG:
        return os.path.join(directory, "t.db")
    _databases[0] += 1
    name = f"api{os.getpid()}_{_databases[0]}"
    admin = os.environ["SHANSHUI_TEST_PG"]
    subprocess.run(["psql", "-q", admin, "-c", f"CREATE DATABASE {name}"], check=True)
    return admin.replace("/shanshui?", f"/{name}?")


def sql(db, statement):
    """Runs SQL behind the software's back (as anyone with the file or the server could); rows as text."""
    if not PG:
        with sqlite3.connect(db) as c:
            return [tuple(str(v) for v in row) for row in c.execute(statement).fetchall()]
    out = subprocess.run(["psql", "-q", "-At", "-F", "\t", db, "-c", statement], check=True, capture_output=True,
                         text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="shanshui-api-")
        cls.db = fresh_db(cls.dir)
        cli("plan", "import", "--db", cls.db, os.path.join(SRC, "data/plans/wushan-2023-2027.yaml"))
        cli("measure", "import", "--db", cls.db, os.path.join(SRC, "data/demo/measurements.csv"))
        cli("report", "submit", "--claim-reported-at", "--db", cls.db, os.path.join(SRC, "data/demo/reports.csv"))
        cli("station", "import", "--db", cls.db, os.path.join(SRC, "data/demo/stations.csv"))
        cli("demo", "layers", "--db", cls.db, "--out", os.path.join(cls.dir, "layers"))
        cli("coverage", "--db", cls.db, "--record", "--year", "2026")
        rasters = os.path.join(cls.dir, "rasters")
        cli("demo", "rasters", "--db", cls.db, "--out", rasters, "--cell", "300", "--years", "2025", "2026")
        cli("gep", "run", "--db", cls.db, "--rasters", rasters, "--year", "2025", "--year", "2026", "--record")
        for role, (user, args) in ROLES.items():
            cli("user", "add", "--db", cls.db, "--name", user, "--password", password(user), *args)
        cls.port = free_port()
        cls.proc = subprocess.Popen([BIN, "serve", "--db", cls.db, "--http-port", str(cls.port),
                                     "--web", os.path.join(SRC, "web/public")], stderr=subprocess.PIPE, text=True)
        line = cls.proc.stderr.readline()
        assert "dashboard on" in line, line
        cls.tokens = {}
        cls.exercised = set()  # (method, openapi path) of every request the tests make
        cls.answers = []  # (method, openapi path, status, JSON body) of every 2xx JSON answer
        cls.errors = []  # (method, path, status, JSON body) of every error answer

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(10)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def call(self, method, path, role=None, body=None, headers=None, openapi=None):
        h = dict(headers or {})
        if role and role != "public":
            h["Authorization"] = "Bearer " + self.token(role)
        self.exercised.add((method, openapi or path.split("?")[0]))
        r = request(self.port, method, path, body, h)
        if (200 <= r.status < 300 and r.headers.get("content-type", "").startswith("application/json")
                and r.headers.get("content-encoding") != "gzip"):
            self.answers.append((method, openapi or path.split("?")[0], r.status, r.json()))
        if r.status >= 400 and r.headers.get("content-type", "").startswith("application/json"):
            self.errors.append((method, path, r.status, r.json()))
        return r

    def token(self, role):
        if role not in self.tokens:
            user = ROLES[role][0]
            r = request(self.port, "POST", "/api/login", {"username": user, "password": password(user)})
            self.assertEqual(r.status, 200, r.body)
            self.tokens[role] = r.json()["token"]
        return self.tokens[role]

    # ---- reading ----
    def test_health_and_errors_are_json(self):
        r = self.call("GET", "/api/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["status"], "ok")
        self.assertTrue(r.json()["plan_loaded"])
        counties = self.call("GET", "/api/counties").json()["counties"]  # one county: the home database
        self.assertEqual([(c["id"], c["path"], c["plan"]) for c in counties], [("", "/", "wushan-2023-2027")])
        page = request(self.port, "GET", "/")
        self.assertEqual(page.status, 200)
        self.assertIn("山水", page.body.decode())
        self.assertIn('src="/dist/app.js"', page.body.decode())  # the bundle, served locally: no internet
        # the bundle's files go out as their pre-compressed twins to clients that ask, plain to the others
        dist = os.path.join(SRC, "web/public/dist")
        chunk = max((f for f in os.listdir(dist) if f.endswith(".js")), key=lambda f: os.path.getsize(os.path.join(dist, f)))
        js = request(self.port, "GET", "/dist/" + chunk, headers={"Accept-Encoding": "gzip, deflate, br"})
        self.assertEqual(js.status, 200)
        self.assertEqual(js.headers.get("content-encoding"), "gzip")
        self.assertIn("max-age", js.headers.get("cache-control", ""))
        with open(os.path.join(dist, chunk + ".gz"), "rb") as f:
            self.assertEqual(js.body, f.read())  # the build's level-9 twin, as is
        plain = request(self.port, "GET", "/dist/" + chunk)
        self.assertNotIn("content-encoding", plain.headers)
        self.assertEqual(gzip.decompress(js.body), plain.body)
        with open(os.path.join(dist, chunk), "rb") as f:
            self.assertEqual(plain.body, f.read())
        self.assertLess(len(js.body), len(plain.body) // 2)
        self.assertEqual(request(self.port, "GET", "/package.json").status, 404)  # only web/public is served
        r = request(self.port, "GET", "/api/no-such-thing")
        self.assertEqual(r.status, 404)
        self.assertIn("no route", r.json()["error_en"])
        r = self.call("GET", "/api/targets/not_a_target", openapi="/api/targets/{id}")
        self.assertEqual(r.status, 404)
        self.assertIn("not_a_target", r.json()["error_en"])
        r = self.call("POST", "/api/reports", "department", body="{not json")
        self.assertEqual(r.status, 400)
        self.assertIn("JSON", r.json()["error_en"])

    def test_public_sees_indicators_but_no_items(self):
        r = self.call("GET", "/api/progress")
        self.assertEqual(r.status, 200)
        doc = r.json()
        self.assertEqual(len(doc["targets"]), 70)
        self.assertNotIn("items", doc)
        for t in doc["targets"]:
            self.assertEqual(set(t["lenses"]), {"schedule", "unsd", "current"}, t["id"])
        for path, api in [("/api/supervision", None), ("/api/scorecard", None), ("/api/audit", None),
                          ("/api/audit/verify", None), ("/api/items/T18.1", "/api/items/{id}"),
                          ("/api/export/xlsx", "/api/export/{format}")]:
            r = self.call("GET", path, openapi=api)
            self.assertEqual(r.status, 401, path)
            self.assertIn("error", r.json())
        self.assertEqual(self.call("GET", "/api/me").json()["role"], "public")

    def test_cached_views_are_gzipped_for_clients_that_ask(self):
        import gzip
        plain = self.call("GET", "/api/progress")
        for _ in range(2):  # the first builds the view, the second comes from the cache
            z = self.call("GET", "/api/progress", headers={"Accept-Encoding": "gzip, deflate, br"})
            self.assertEqual(z.status, 200)
            self.assertEqual(z.headers.get("content-encoding"), "gzip")
            self.assertLess(len(z.body), len(plain.body) // 4)
            self.assertEqual(json.loads(gzip.decompress(z.body)), plain.json())
        self.assertNotIn("content-encoding", plain.headers)

    def test_a_view_rebuilding_is_served_stale_but_never_to_its_writer(self):
        # Readers hammer the overview while the office corrects a value again and again: whoever
        # comes while the view rebuilds may get the previous one (X-Cache: stale), but the office's
        # own next read always shows its write.
        import threading
        stop, stale, seen = threading.Event(), [0], [0]
        token = self.token("department")

        def hammer():
            while not stop.is_set():
                r = request(self.port, "GET", "/api/progress", None, {"Authorization": "Bearer " + token})
                assert r.status == 200, r.status
                seen[0] += 1
                stale[0] += r.headers.get("x-cache") == "stale"

        threads = [threading.Thread(target=hammer) for _ in range(6)]
        for t in threads:
            t.start()
        try:
            for i in range(12):
                value = f"{70 + i / 10:.1f}"
                r = self.call("POST", "/api/measurements", "office",
                              body={"indicator": "forest_coverage", "period": "2026", "value": value,
                                    "source": "cache test", "note": "缓存测试更正"})
                self.assertEqual(r.status, 201, r.body)
                doc = self.call("GET", "/api/progress", "office").json()
                t = next(x for x in doc["targets"] if x["id"] == "forest_coverage")
                mine = [p["value"] for p in t["series"] if p["year"] == 2026]
                self.assertEqual(mine, [value], f"write {i}: the writer read a view older than its write")
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertGreater(seen[0], 0)
        print(f"overview reads during the writes: {seen[0]}, served stale while rebuilding: {stale[0]}",
              file=sys.stderr)

    def test_logged_in_reads(self):
        doc = self.call("GET", "/api/progress", "department").json()
        self.assertEqual(len(doc["items"]), 92)
        t = self.call("GET", "/api/targets/forest_coverage", "public", openapi="/api/targets/{id}").json()
        self.assertEqual(t["name"], "森林覆盖率")
        self.assertIn("formula", t["lenses"]["schedule"])
        self.assertTrue(all("provenance" in s for s in t["series"]))
        item = self.call("GET", "/api/items/T18.2", "auditor", openapi="/api/items/{id}").json()
        self.assertEqual(item["id"], "T18.2")
        self.assertGreater(len(item["reports"]), 0)
        plan = self.call("GET", "/api/plan").json()
        self.assertEqual(len(plan["actions"]), 5)
        self.assertEqual(sum(len(a["tasks"]) for a in plan["actions"]), 20)
        sup = self.call("GET", "/api/supervision", "office").json()
        self.assertTrue(all({"department", "kind", "ref", "message"} <= set(e) for e in sup))
        sc = self.call("GET", "/api/scorecard", "office").json()
        self.assertEqual([d["rank"] for d in sc["departments"]][:1], [1])
        self.assertTrue(sc["weights"])
        st = self.call("GET", "/api/stations").json()
        self.assertEqual(len([s for s in st if s["mn"].startswith("WS500237")]), 10)
        self.assertNotIn("password", st[0])
        obs = self.call("GET", "/api/stations/WS500237A0002/observations", openapi="/api/stations/{mn}/observations")
        self.assertEqual(obs.status, 200)
        self.assertEqual(obs.json(), [])
        self.assertEqual(self.call("GET", "/api/alarms?as_of=2026-01-01T00:00:00%2B08:00").status, 200)
        me = self.call("GET", "/api/me", "department").json()
        self.assertEqual((me["user"], me["role"], me["department"]), ("eeb", "department", "eeb"))

    def test_air_daily_from_observations(self):
        data = os.path.join(SRC, "tests/data/http")
        cli("obs", "import", "--db", self.db, os.path.join(data, "air-daily-obs.csv"))
        r = self.call("GET", "/api/air/daily?mn=WS500237A0001&year=2025")
        self.assertEqual(r.status, 200, r.body)
        got = {d["date"]: d for d in r.json()["days"]}
        rows = data_rows("air-daily-expected.csv")
        for row in rows:
            with self.subTest(date=row["date"]):
                d = got[row["date"]]
                self.assertEqual(d["valid"], row["valid"] == "true", d)
                if row["aqi"]:
                    self.assertEqual(d["aqi"], int(row["aqi"]), d)
        self.assertEqual(self.call("GET", "/api/air/daily?mn=WS500237W0001&year=2025").status, 404)
        self.assertEqual(self.call("GET", "/api/air/daily?mn=WS500237A0001").status, 400)

    def test_water_sections_from_observations(self):
        data = os.path.join(SRC, "tests/data/http")
        cli("obs", "import", "--db", self.db, os.path.join(data, "water-month-obs.csv"))
        r = self.call("GET", "/api/water/sections?month=2025-03")
        self.assertEqual(r.status, 200, r.body)
        got = {s["mn"]: s for s in r.json()["sections"]}
        rows = data_rows("water-month-expected.csv")
        for row in rows:
            with self.subTest(mn=row["mn"]):
                s = got[row["mn"]]
                self.assertEqual(s["class"], row["class"] or None, s)
                self.assertEqual(s["meets_target"], None if not row["meets_target"] else row["meets_target"] == "true", s)
                if row["nh3n"]:
                    self.assertEqual(s["means"]["nh3n"], row["nh3n"], s)
                self.assertEqual(s["values"], int(row["values"]), s)
        self.assertEqual(self.call("GET", "/api/water/sections?month=2025-13").status, 400)

    def test_noise_zones_from_observations(self):
        data = os.path.join(SRC, "tests/data/http")
        cli("obs", "import", "--db", self.db, os.path.join(data, "noise-month-obs.csv"))
        r = self.call("GET", "/api/noise/zones?month=2025-04")
        self.assertEqual(r.status, 200, r.body)
        got = {p["mn"]: p for p in r.json()["points"]}
        rows = data_rows("noise-month-expected.csv")
        for row in rows:
            with self.subTest(mn=row["mn"]):
                p = got[row["mn"]]
                for k in ("zone", "day_level", "night_level"):
                    self.assertEqual(p[k], row[k] or None if k != "zone" else row[k], (k, p))
                for k in ("days", "days_within_limit", "nights", "nights_within_limit", "day_limit", "night_limit"):
                    self.assertEqual(p[k], int(row[k]), (k, p))
        self.assertEqual(self.call("GET", "/api/noise/zones").status, 400)

    def test_exports(self):
        x = self.call("GET", "/api/export/xlsx", "department", openapi="/api/export/{format}")
        self.assertEqual(x.status, 200)
        self.assertEqual(x.body[:2], b"PK")  # a zip container (xlsx)
        c = self.call("GET", "/api/export/csv", "department", openapi="/api/export/{format}")
        self.assertTrue(c.body.startswith(b"\xef\xbb\xbf"))  # the BOM Excel needs to read UTF-8
        text = c.body.decode("utf-8-sig")
        self.assertTrue(text.startswith("行动,重点任务,编号,工作事项,牵头单位,责任单位,状态,"))
        self.assertIn("森林覆盖率", text)
        j = self.call("GET", "/api/export/json", "department", openapi="/api/export/{format}")
        self.assertEqual(len(j.json()["targets"]), 70)

    # ---- login, sessions ----
    def test_login_cookie_needs_csrf(self):
        r = self.call("POST", "/api/login", body={"username": "eeb", "password": password("eeb")})
        self.assertEqual(r.status, 200)
        cookie = r.headers["set-cookie"]
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        session = cookie.split(";")[0]
        csrf = r.json()["csrf"]
        body = {"item": "T18.3", "period": "2026-Q4", "status": "in_progress", "percent": 70, "narrative": "csrf test"}
        r = self.call("POST", "/api/reports", body=body, headers={"Cookie": session})
        self.assertEqual(r.status, 403)
        self.assertIn("CSRF", r.json()["error_en"])
        r = self.call("POST", "/api/reports", body=body, headers={"Cookie": session, "X-CSRF-Token": csrf})
        self.assertEqual(r.status, 201, r.body)
        r = self.call("POST", "/api/logout", body={}, headers={"Cookie": session, "X-CSRF-Token": csrf})
        self.assertEqual(r.status, 200)
        r = self.call("GET", "/api/supervision", headers={"Cookie": session})
        self.assertEqual(r.status, 401)  # the session is gone

    def test_concurrent_reports_are_neither_lost_nor_doubled(self):
        """Eight departments' clerks file at once (the same clerk's resend among them): every
        distinct report lands exactly once, on both backends (writers serialize on the store)."""
        import threading
        token = self.token("department")
        results = []

        def clerk(k):
            for i in range(6):
                body = {"item": "T18.1", "period": f"2025-Q{1 + i % 4}", "status": "in_progress",
                        "percent": 10 + k * 6 + i, "narrative": f"并发报送 {k}-{i}"}
                for _ in range(2 if i == 0 else 1):  # the first report is sent twice (a resend)
                    r = request(self.port, "POST", "/api/reports", body, {"Authorization": "Bearer " + token})
                    results.append((k, i, r.status, r.json().get("stored") if r.status < 300 else None))

        threads = [threading.Thread(target=clerk, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertTrue(all(s < 300 for _, _, s, _ in results), [r for r in results if r[2] >= 300][:3])
        self.assertEqual(sum(n for *_, n in results), 48, "each distinct report stored once, the resends not")
        reports = self.call("GET", "/api/items/T18.1", "office", openapi="/api/items/{id}").json()["reports"]
        mine = [r for r in reports if r.get("narrative", "").startswith("并发报送")]
        self.assertEqual(len(mine), 48)
        self.assertEqual(len({r["narrative"] for r in mine}), 48)

    def test_wrong_password_and_throttle(self):
        cli("user", "add", "--db", self.db, "--name", "victim", "--role", "auditor", "--password", "right-password")
        for _ in range(5):
            r = self.call("POST", "/api/login", body={"username": "victim", "password": "wrong"})
            self.assertEqual(r.status, 401)
        r = self.call("POST", "/api/login", body={"username": "victim", "password": "right-password"})
        self.assertEqual(r.status, 429)
        self.assertIn("too many", r.json()["error_en"])
        r = self.call("POST", "/api/login", body={"username": "eeb"})
        self.assertEqual(r.status, 400)

    def test_password_is_argon2id(self):
        h = sql(self.db, "SELECT password_hash FROM users WHERE username='eeb'")[0][0]
        self.assertTrue(h.startswith("$argon2id$"), h)

    # ---- the role matrix ----
    def test_role_matrix(self):
        rows = data_rows("role-matrix.csv")
        self.assertGreaterEqual(len(rows), 6)
        checked = 0
        for row in rows:
            for role in ["public", "auditor", "township", "department", "office", "admin"]:
                raw = row["body"].replace("{role}", role)
                # "raw:…" is a file upload's body as it is (the evidence route takes bytes, not JSON)
                body = raw[4:].encode() if raw.startswith("raw:") else json.loads(raw)
                openapi = re.sub(r"^/api/(items|notices)/[^/]+/", r"/api/\1/{id}/", row["path"]) if row["path"].count("/") > 3 else None
                r = self.call(row["method"], row["path"], role, body=body, openapi=openapi)
                want = row[role]
                with self.subTest(write=row["write"], role=role):
                    if want == "deny":
                        self.assertEqual(r.status, 401 if role == "public" else 403, r.body)
                        self.assertTrue(r.json()["error"], "a denial names its reason")
                    else:
                        self.assertNotIn(r.status, (401, 403), r.body)
                        self.assertLess(r.status, 500, r.body)
                checked += 1
        self.assertEqual(checked, 6 * len(rows))
        # every denial is logged with its reason
        log = self.call("GET", "/api/audit", "auditor").json()
        denied = [e for e in log if e["action"] == "denied"]
        self.assertTrue(any(e["object"] == "report T05.1" and e["detail"].startswith("eeb (department):") for e in denied),
                        denied[-5:])

    def test_department_cannot_cross_lane_by_crafted_requests(self):
        # reporter field, other item ids, odd casing: none lets eeb write for someone else.
        r = self.call("POST", "/api/reports", "department",
                      body={"item": "T05.1", "period": "2026-Q4", "status": "done", "percent": 100, "evidence": "x",
                            "reporter": "culture"})
        self.assertEqual(r.status, 403)
        self.assertIn("neither leads nor shares T05.1", r.json()["error_en"])
        r = self.call("POST", "/api/reports", "department",
                      body={"item": "T18.4", "period": "2026-Q4", "status": "done", "percent": 100, "evidence": "x",
                            "reporter": "forestry"})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["reporter"], "eeb")  # the session decides who reports, not the body
        r = self.call("POST", "/api/reports", "department", body={"item": "NOPE", "period": "2026-Q4", "percent": 1})
        self.assertIn(r.status, (400, 403))
        r = self.call("POST", "/api/items/T18.2/close", "department", body={"evidence": "x"}, openapi="/api/items/{id}/close")
        self.assertEqual(r.status, 403)

    def test_report_changes_item_status(self):
        before = self.call("GET", "/api/items/T20.1", "department", openapi="/api/items/{id}").json()
        r = self.call("POST", "/api/reports", "department",
                      body={"item": "T20.1", "period": "2026-Q4", "status": "done", "percent": 100,
                            "narrative": "完成", "evidence": "巫山环发〔2026〕30号"})
        self.assertEqual(r.status, 201, r.body)
        after = self.call("GET", "/api/items/T20.1", "department", openapi="/api/items/{id}").json()
        self.assertEqual(after["status"], "done")
        self.assertEqual(after["latest_report"]["evidence"], "巫山环发〔2026〕30号")
        self.assertEqual(len(after["reports"]), len(before["reports"]) + 1)
        # closing needs evidence, then the office closes it
        r = self.call("POST", "/api/items/T20.1/close", "office", body={}, openapi="/api/items/{id}/close")
        self.assertEqual(r.status, 400)
        r = self.call("POST", "/api/items/T20.1/close", "office", body={"evidence": "验收意见"}, openapi="/api/items/{id}/close")
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(self.call("GET", "/api/items/T20.1", "office", openapi="/api/items/{id}").json()["status"], "closed")

    def test_notice_workflow(self):
        # the office issues a 督办 notice on an item; it goes to the item's lead unless named
        r = self.call("POST", "/api/notices", "office",
                      body={"subject_kind": "item", "subject": "T18.2", "due": "2026-12-20", "request": "请说明进展滞后原因"})
        self.assertEqual(r.status, 201, r.body)
        nid, steps = r.json()["id"], "/api/notices/{id}/steps"
        self.assertEqual(r.json()["department"], "eeb")
        self.assertEqual(r.json()["state"], "issued")
        for bad in [{"subject_kind": "item", "subject": "T99.9", "due": "2026-12-20", "request": "x"},
                    {"subject_kind": "thing", "subject": "T18.2", "due": "2026-12-20", "request": "x"},
                    {"subject_kind": "item", "subject": "T18.2", "due": "soon", "request": "x"},
                    {"subject_kind": "item", "subject": "T18.2", "due": "2026-12-20", "request": ""}]:
            self.assertEqual(self.call("POST", "/api/notices", "office", body=bad).status, 400, bad)
        # only the addressee answers; the office cannot resolve before the answer
        self.assertEqual(self.call("POST", f"/api/notices/{nid}/steps", "township", openapi=steps,
                                   body={"action": "answer", "text": "不是我们的"}).status, 403)
        self.assertEqual(self.call("POST", f"/api/notices/{nid}/steps", "office", openapi=steps,
                                   body={"action": "resolve", "text": "办结"}).status, 409)
        self.assertEqual(self.call("POST", f"/api/notices/{nid}/steps", "department", openapi=steps,
                                   body={"action": "resolve", "text": "自己办结"}).status, 403)
        r = self.call("POST", f"/api/notices/{nid}/steps", "department", openapi=steps,
                      body={"action": "answer", "text": "已召开专题会，12月底前完成"})
        self.assertEqual((r.status, r.json()["state"]), (201, "answered"), r.body)
        r = self.call("POST", f"/api/notices/{nid}/steps", "office", openapi=steps, body={"action": "escalate", "text": "措施不具体，予以通报"})
        self.assertEqual(r.json()["state"], "escalated")
        self.call("POST", f"/api/notices/{nid}/steps", "department", openapi=steps, body={"action": "answer", "text": "已完成整改"})
        r = self.call("POST", f"/api/notices/{nid}/steps", "office", openapi=steps, body={"action": "resolve", "text": "同意办结"})
        self.assertEqual(r.json()["state"], "resolved")
        self.assertEqual(self.call("POST", f"/api/notices/{nid}/steps", "department", openapi=steps,
                                   body={"action": "answer", "text": "补充"}).status, 409)
        self.assertEqual(self.call("POST", "/api/notices/999999/steps", "office", openapi=steps,
                                   body={"action": "resolve", "text": "x"}).status, 404)
        # the list: the history in order, filtered by department and state; the public sees none
        mine = self.call("GET", "/api/notices?department=eeb&state=resolved", "department").json()
        n = next(x for x in mine if x["id"] == nid)
        self.assertEqual([e["action"] for e in n["events"]], ["answer", "escalate", "answer", "resolve"])
        self.assertEqual(self.call("GET", "/api/labels").json()["notice_state"][n["state"]], "已办结")
        self.assertIn("T18.2", n["subject"])
        self.assertTrue(n["subject_text"])
        self.assertEqual(self.call("GET", "/api/notices?department=gaotang", "office").json(), [])
        # the same list for Excel: BOM, Chinese headers and states, every step, a Chinese file name
        r = self.call("GET", "/api/notices?department=eeb&format=csv", "office")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(r.body.decode("utf-8-sig").splitlines(keepends=True)))
        self.assertEqual(rows[0][:3], ["编号", "对象类型", "对象编号"])
        mine = next(row for row in rows[1:] if row[0] == str(nid))
        self.assertEqual((mine[1], mine[2], mine[9]), ("工作事项", "T18.2", "已办结"))
        self.assertIn("通报：措施不具体，予以通报", mine[11])
        self.assertIn("filename*=UTF-8''%E7%9D%A3%E5%8A%9E", r.headers["content-disposition"])  # 督办通知_…
        self.assertEqual(self.call("GET", "/api/notices?format=pdf", "office").status, 400)
        self.assertEqual(self.call("GET", "/api/notices").status, 401)
        # every step is in the audit log
        log = self.call("GET", f"/api/audit?object=notice:{nid}", "auditor").json()
        self.assertEqual(sorted(e["action"] for e in log if e["action"] != "denied"),
                         ["notice.answer", "notice.answer", "notice.escalate", "notice.resolve"])
        self.assertEqual(sum(e["action"] == "denied" for e in log), 2)  # the township's answer, the department's decision

    # ---- the one map ----
    def test_screening_cases(self):
        """tests/data/screen/cases.jsonl: a project (GeoJSON), its industry, and the verdict, layers,
        finding and clause the screening must give — or the refusal, for bad input."""
        with open(os.path.join(SRC, "tests/data/screen/cases.jsonl"), encoding="utf-8") as f:
            cases = [json.loads(line) for line in f if line.strip()]
        self.assertGreaterEqual(len(cases), 12)
        for c in cases:
            body = {k: c[k] for k in ("project", "industry", "radius_m", "buffer_m") if k in c}
            r = self.call("POST", "/api/screen", body=body)
            with self.subTest(case=c["case"]):
                self.assertEqual(r.status, c.get("status", 200), r.body)
                d = r.json()
                if r.status != 200:
                    self.assertIn(c["error"], d["error_en"])
                    continue
                self.assertEqual(d["verdict"], c["verdict"], d["findings"])
                kinds = {o["kind"] for o in d["overlaps"]}
                self.assertTrue(set(c.get("overlaps", [])) <= kinds, kinds)
                if "finding" in c:
                    self.assertTrue(any(c["finding"] in f["reason"] for f in d["findings"]), d["findings"])
                if "clause" in c:
                    self.assertTrue(any(c["clause"] in x["text"] for x in d["clauses"]), d["clauses"])
                for o in d["overlaps"]:
                    self.assertLessEqual(o["share"], 1.000001)
                    self.assertLessEqual(o["area_m2"], d["project_area_m2"] * 1.000001)

    def test_screening_report_as_a_workbook(self):
        import openpyxl, io
        site = {"type": "Polygon", "coordinates": [[[109.770, 31.052], [109.773, 31.052], [109.773, 31.054],
                                                    [109.770, 31.054], [109.770, 31.052]]]}
        r = self.call("POST", "/api/screen?format=xlsx", body={"project": site, "industry": "C2614"})
        self.assertEqual(r.status, 200)
        self.assertIn("filename*=UTF-8''%E9%A1%B9%E7%9B%AE", r.headers["content-disposition"])  # 项目预筛查_…
        wb = openpyxl.load_workbook(io.BytesIO(r.body))
        self.assertEqual(wb.sheetnames, ["研判结论", "涉及图层", "周边保护要素", "准入清单条款"])
        summary = [[c.value for c in row] for row in wb["研判结论"].iter_rows()]
        self.assertIn(["研判结论", "不符合", None], summary)
        self.assertTrue(any(row[1] and "长江干流岸线一公里" in row[1] for row in summary))
        layers = [row[0].value for row in wb["涉及图层"].iter_rows(min_row=2)]
        self.assertIn("生态环境管控单元", layers)
        self.assertEqual(self.call("POST", "/api/screen?format=pdf", body={"project": site}).status, 400)

    def test_a_site_has_a_vertex_budget(self):
        import math
        ring = [[round(109.9 + 0.01 * math.cos(2 * math.pi * k / 10500), 6),
                 round(31.1 + 0.01 * math.sin(2 * math.pi * k / 10500), 6)] for k in range(10500)]
        ring.append(ring[0])
        r = self.call("POST", "/api/screen", body={"project": {"type": "Polygon", "coordinates": [ring]}})
        self.assertEqual(r.status, 400, r.body[:200])
        self.assertIn("vertices", r.json()["error_en"])
        self.assertIn("顶点", r.json()["error"])

    def test_layers_and_their_features(self):
        layers = self.call("GET", "/api/layers").json()
        kinds = {l["kind"] for l in layers}
        for k in ("county", "township", "ecological_red_line", "permanent_farmland", "urban_boundary", "control_unit",
                  "nature_reserve", "heritage_site", "water_source", "river", "park", "road"):
            self.assertIn(k, kinds)
        towns = next(l for l in layers if l["kind"] == "township")
        self.assertEqual(towns["features"], 26)
        fc = self.call("GET", f"/api/layers/{towns['id']}", openapi="/api/layers/{id}").json()
        self.assertEqual(fc["type"], "FeatureCollection")
        self.assertIn("高唐街道", {f["properties"]["name"] for f in fc["features"]})
        self.assertEqual(self.call("GET", "/api/layers/999999", openapi="/api/layers/{id}").status, 404)
        self.assertEqual(self.call("GET", "/api/layers/x", openapi="/api/layers/{id}").status, 400)

    def test_sensorthings_is_served_beside_the_api(self):
        """The SensorThings API answers here too (its query set is tests/http/sta_test.py): the root,
        the stations as Things for the county's own users, and nothing internal for the public."""
        root = self.call("GET", "/api/sta/v1.1").json()
        self.assertEqual([s["name"] for s in root["value"]][:2], ["Things", "Locations"])
        things = self.call("GET", "/api/sta/v1.1/Things?$select=id", "office", openapi="/api/sta/v1.1/{path}").json()
        self.assertGreaterEqual(len(things["value"]), 10)  # every registered station, with or without data
        self.assertEqual(self.call("GET", "/api/sta/v1.1/Things", openapi="/api/sta/v1.1/{path}").json()["value"], [])
        self.assertEqual(self.call("GET", "/api/partners", "office").json(), [])  # nothing harvested here
        self.assertEqual(self.call("GET", "/api/partners").status, 401)
        r = self.call("GET", "/api/sta/v1.1/Nothing", openapi="/api/sta/v1.1/{path}")
        self.assertEqual(r.status, 400)
        self.assertIn("实体集", r.json()["error"])

    def test_open_data_and_moderated_feedback(self):
        """The portal's API: the open datasets with their licence in every format; feedback refused
        when malformed, rate-limited per address, hidden until the office publishes it, and the
        contact never public."""
        cat = self.call("GET", "/api/open/datasets").json()
        self.assertEqual([d["id"] for d in cat], ["indicators", "monitoring"])
        self.assertTrue(all(d["licence"] and d["publisher"] for d in cat))
        ds = "/api/open/datasets/{id}"
        j = self.call("GET", "/api/open/datasets/indicators?format=json", openapi=ds).json()
        self.assertEqual(j["metadata"]["licence_url"], "https://creativecommons.org/licenses/by/4.0/deed.zh-hans")
        self.assertEqual(len(j["rows"]), j["metadata"]["rows"])
        c = self.call("GET", "/api/open/datasets/indicators?format=csv", openapi=ds)
        self.assertTrue(c.headers["content-type"].startswith("text/csv"))
        self.assertIn('rel="license"', c.headers["link"])
        self.assertEqual(c.body.decode("utf-8-sig").splitlines()[0].split(",")[:3], ["目标编号", "指标", "单位"])
        x = self.call("GET", "/api/open/datasets/indicators?format=xlsx", openapi=ds)
        import io, openpyxl
        wb = openpyxl.load_workbook(io.BytesIO(x.body))
        self.assertEqual(wb.sheetnames, ["数据", "说明"])
        self.assertEqual(wb["说明"]["B4"].value, "CC BY 4.0（署名）")
        self.assertEqual(self.call("GET", "/api/open/datasets/nothing", openapi=ds).status, 404)
        self.assertEqual(self.call("GET", "/api/open/datasets/indicators?format=pdf", openapi=ds).status, 400)

        bad = [({"kind": "praise", "subject": "forest_coverage", "text": "好"}, "kind"),
               ({"kind": "comment", "subject": "no_such_target", "text": "好"}, "no target"),
               ({"kind": "report", "subject": "龙门", "text": "污" * 1001}, "1000"),
               ({"kind": "report", "subject": "", "text": "污"}, "subject"),
               ({"kind": "report", "subject": "龙门", "text": "污", "lon": 2, "lat": 1}, "lon, lat")]
        for body, words in bad:
            r = self.call("POST", "/api/feedback", body=body)
            self.assertEqual(r.status, 400, body)
            self.assertIn(words, r.json()["error_en"])
            self.assertRegex(r.json()["error"], "[\u4e00-\u9fff]")
        ids = [self.call("POST", "/api/feedback", body={"kind": "comment", "subject": "forest_coverage",
                                                        "text": f"建议{i}", "contact": "wang@example.cn"}).json()["id"]
               for i in range(5)]
        r = self.call("POST", "/api/feedback", body={"kind": "comment", "subject": "forest_coverage", "text": "第六条"})
        self.assertEqual(r.status, 429)  # five an hour from one address
        self.assertTrue(int(r.headers["retry-after"]) > 0)
        self.assertEqual(self.call("GET", "/api/feedback/published").json(), [])
        self.assertEqual(self.call("GET", "/api/feedback").status, 401)
        self.assertEqual(self.call("GET", "/api/feedback", "department").status, 403)
        pending = self.call("GET", "/api/feedback", "office").json()
        self.assertEqual({f["contact"] for f in pending if f["id"] in ids}, {"wang@example.cn"})
        step = "/api/feedback/{id}/decision"
        r = self.call("POST", f"/api/feedback/{ids[0]}/decision", "department", body={"decision": "publish"}, openapi=step)
        self.assertEqual(r.status, 403)
        r = self.call("POST", f"/api/feedback/{ids[0]}/decision", "office", body={"decision": "publish", "reply": "已采纳"},
                      openapi=step)
        self.assertEqual(r.status, 201)
        r = self.call("POST", f"/api/feedback/{ids[1]}/decision", "office", body={"decision": "reject"}, openapi=step)
        self.assertEqual(r.json()["state"], "rejected")
        self.assertEqual(self.call("POST", "/api/feedback/999999/decision", "office", body={"decision": "reject"},
                                   openapi=step).status, 404)
        shown = self.call("GET", "/api/feedback/published").json()
        self.assertEqual([(f["id"], f["reply"]) for f in shown], [(ids[0], "已采纳")])
        self.assertNotIn("contact", shown[0])

    def test_a_layer_computed_target_by_township(self):
        doc = self.call("GET", "/api/targets/protected_area_share/townships", "public",
                        openapi="/api/targets/{id}/townships").json()
        self.assertEqual([v["role"] for v in doc["views"]], ["measure"])
        view = doc["views"][0]
        self.assertEqual((view["method"], view["period"]), ("geo.protected_area_share", "2026"))
        self.assertEqual(len(view["townships"]), 26)
        self.assertEqual(len(doc["townships"]["features"]), 26)
        codes = {f["properties"]["code"] for f in doc["townships"]["features"]}
        self.assertEqual({t["code"] for t in view["townships"]}, codes)  # every value has its polygon
        # the townships' areas add up to the county's, and their covered areas to the county's share
        total = sum(t["whole_km2"] for t in view["townships"])
        covered = sum(t["covered_km2"] for t in view["townships"])
        self.assertAlmostEqual(round(100 * covered / total, 1), float(view["value"]), delta=0.1)
        # the forest survey's figure keeps its place; the land-cover figure is the cross-check beside it
        forest = self.call("GET", "/api/targets/forest_coverage/townships", openapi="/api/targets/{id}/townships").json()
        self.assertEqual([(v["role"], v["method"]) for v in forest["views"]], [("check", "geo.forest_share")])
        t = self.call("GET", "/api/targets/forest_coverage", openapi="/api/targets/{id}").json()
        self.assertEqual(t["method"]["check"]["method"], "geo.forest_share")
        self.assertTrue(all(s["provenance"]["method"] != "geo.forest_share" for s in t["series"]))
        # a target that is not computed from layers has no views; an unknown one is 404 in Chinese
        none = self.call("GET", "/api/targets/good_days_ratio/townships", openapi="/api/targets/{id}/townships").json()
        self.assertEqual(none["views"], [])
        r = self.call("GET", "/api/targets/no_such/townships", openapi="/api/targets/{id}/townships")
        self.assertEqual(r.status, 404)

    def test_the_ecosystem_account(self):
        doc = self.call("GET", "/api/gep", "public").json()
        self.assertEqual(doc["year"], 2026)
        self.assertEqual(sorted(doc["years_recorded"]), ["2025", "2026"])
        self.assertGreater(doc["gep_yuan"], doc["gdp_yuan"])
        self.assertEqual(len(doc["townships"]), 26)
        self.assertTrue(doc["sensitivity"][0]["delta_yuan"] > 0)
        older = self.call("GET", "/api/gep?year=2025").json()
        self.assertEqual(older["year"], 2025)
        self.assertEqual(self.call("GET", "/api/gep?year=1999").status, 404)
        r = self.call("GET", "/api/gep?year=abc")
        self.assertEqual((r.status, r.json()["error"]), (400, "年份须为数字，如 2025"))
        # 水土保持率's cross-check has its township breakdown like the layer figures
        t = self.call("GET", "/api/targets/soil_water_conservation/townships",
                      openapi="/api/targets/{id}/townships").json()
        self.assertEqual([(v["role"], v["method"]) for v in t["views"]], [("check", "eco.soil_conservation_rate")])
        self.assertEqual(len(t["views"][0]["townships"]), 26)

    # ---- evidence files ----
    def test_evidence_is_uploaded_once_typed_by_content_and_referenced(self):
        pdf = b"%PDF-1.7\n" + "巫山县生态环境局 整改验收意见".encode() + os.urandom(2000)
        name = "巫山环发〔2026〕31号 验收意见.pdf"
        q = "/api/evidence?name=" + urllib.parse.quote(name)
        r = self.call("POST", q, "office", body=pdf, headers={"Content-Type": "application/pdf"})
        self.assertEqual(r.status, 201, r.body)
        f = r.json()
        self.assertEqual(f["sha256"], hashlib.sha256(pdf).hexdigest())
        self.assertEqual((f["name"], f["media_type"], f["size"]), (name, "application/pdf", len(pdf)))
        self.assertEqual(f["ref"], "sha256:" + f["sha256"])
        # the same content again: the one stored copy, 200
        again = self.call("POST", "/api/evidence?name=copy.pdf", "department", body=pdf)
        self.assertEqual((again.status, again.json()["name"]), (200, name))
        # download: the bytes, as an attachment that cannot run as a page
        d = self.call("GET", "/api/evidence/" + f["sha256"], "township", openapi="/api/evidence/{id}")
        self.assertEqual(d.status, 200)
        self.assertEqual(d.body, pdf)
        self.assertEqual(d.headers["content-type"], "application/pdf")
        self.assertIn("attachment; filename=", d.headers["content-disposition"])
        self.assertIn("filename*=UTF-8''", d.headers["content-disposition"])
        self.assertIn(urllib.parse.quote(name, safe="").replace("%2E", "."), d.headers["content-disposition"])
        self.assertIn("sandbox", d.headers["content-security-policy"])
        self.assertEqual(self.call("GET", "/api/evidence/" + f["sha256"], openapi="/api/evidence/{id}").status, 401)
        self.assertEqual(self.call("GET", "/api/evidence/" + "0" * 64, "office", openapi="/api/evidence/{id}").status, 404)
        self.assertEqual(self.call("GET", "/api/evidence/not-a-hash", "office", openapi="/api/evidence/{id}").status, 400)
        # refused: the content decides the type, not the name or the header
        for body, fname, status, why in ((b"<html><script>alert(1)</script>", "x.pdf", 415, "not an accepted"),
                                         (b"%PDF-1.4 x", "photo.jpg", 415, "application/pdf"),
                                         (b"%PDF-1.4 x", "", 400, "name"),
                                         (b"", "empty.pdf", 415, "empty")):
            r = self.call("POST", "/api/evidence?name=" + urllib.parse.quote(fname), "office", body=body)
            self.assertEqual(r.status, status, (fname, r.body))
            self.assertIn(why, r.json()["error_en"] if "error_en" in r.json() else r.json()["error_en"])
        # over 8 MiB: refused from the headers alone, before the body is read
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(b"POST /api/evidence?name=big.pdf HTTP/1.1\r\nHost: x\r\nContent-Length: 8388700\r\n\r\n%PDF-")
            self.assertIn(b" 413 ", sock.recv(200))
        self.assertEqual(self.call("POST", "/api/evidence?name=a.pdf", "auditor", body=pdf).status, 403)
        # a closure or report may name the file; a file that was never uploaded is refused
        missing = "sha256:" + "1" * 64
        r = self.call("POST", "/api/items/T04.3/close", "office", body={"evidence": missing}, openapi="/api/items/{id}/close")
        self.assertEqual(r.status, 400, r.body)
        r = self.call("POST", "/api/reports", "department",
                      body={"item": "T18.1", "period": "2026-Q4", "status": "in_progress", "percent": 85,
                            "narrative": "附验收意见", "evidence": "巫山环发〔2026〕31号 " + f["ref"]})
        self.assertEqual(r.status, 201, r.body)
        item = self.call("GET", "/api/items/T18.1", "office", openapi="/api/items/{id}").json()
        self.assertTrue(any(f["ref"] in rep["evidence"] for rep in item["reports"]))
        # stored once, in the audit chain, and the chain still verifies
        log = self.call("GET", "/api/audit?object=" + f["ref"], "auditor").json()
        self.assertEqual([e["action"] for e in log], ["evidence.add"])
        self.assertTrue(self.call("GET", "/api/audit/verify", "auditor").json()["intact"])

    # ---- audit ----
    def test_audit_history_of_a_value(self):
        # 2025 already has a value (the demo): a second one is a correction and needs its reason
        r = self.call("POST", "/api/measurements", "office",
                      body={"indicator": "forest_coverage", "period": "2025", "value": "64.6", "source": "history test"})
        self.assertEqual(r.status, 400, r.body)
        self.assertIn("a correction needs its reason", r.json()["error_en"])
        r = self.call("POST", "/api/measurements", "office",
                      body={"indicator": "forest_coverage", "period": "2025", "value": "64.6", "source": "history test",
                            "note": "与林草湿监测数据对接后更正"})
        self.assertIn(r.status, (201, 409), r.body)
        log = self.call("GET", "/api/audit?object=forest_coverage", "auditor").json()
        self.assertIn("与林草湿监测数据对接后更正", log[-1]["detail"])  # the reason is in the history
        self.assertTrue(log)
        self.assertTrue(all(e["object"].startswith("forest_coverage") for e in log))
        v = self.call("GET", "/api/audit/verify", "auditor").json()
        self.assertTrue(v["intact"], v)
        self.assertEqual(self.call("GET", "/api/audit", "department").status, 403)

    def test_values_that_cannot_be_true_are_refused_and_audited(self):
        before = len(self.call("GET", "/api/audit?object=forest_coverage", "auditor").json())
        for value, period, why in (("150", "2025", "above the natural limit of 'forest_coverage' (100 %)"),
                                   ("64", "2999", "period 2999 has not begun")):
            r = self.call("POST", "/api/measurements", "office",
                          body={"indicator": "forest_coverage", "period": period, "value": value, "source": "typo"})
            self.assertEqual(r.status, 400, r.body)
            self.assertIn(why, r.json()["error_en"])
        log = self.call("GET", "/api/audit?object=forest_coverage", "auditor").json()
        refused = [e for e in log[before:] if e["action"] == "refused.invalid"]
        self.assertEqual(len(refused), 2, log[before:])
        self.assertIn("office: value 150 is above the natural limit", refused[0]["detail"])
        values = [m for t in self.call("GET", "/api/progress").json()["targets"] if t["id"] == "forest_coverage"
                  for m in t["series"]]
        self.assertFalse(any(v["value"] in ("150", "64") and v["year"] in (2025, 2999) for v in values))

    def test_lineage_from_a_value_to_its_frames(self):
        obs = os.path.join(self.dir, "lineage-obs.csv")
        with open(obs, "w") as f:
            f.write("mn,factor,time,value,kind,flag,unit\n")
            for day in (1, 2, 3):
                for hour in range(24):
                    for fac, v in (("a21026", "8"), ("a21004", "20"), ("a34002", "40"), ("a21005", "0.6"), ("a05024", "50"),
                                   ("a34004", str(20 + hour % 5))):
                        f.write(f"WS500237A0001,{fac},2026-01-0{day} {hour:02d}:00:00,{v},Avg,N,{'mg/m3' if fac == 'a21005' else 'ug/m3'}\n")
        cli("obs", "import", "--db", self.db, obs)
        cli("evaluate", "--db", self.db, "--today", "2026-01-04")
        doc = self.call("GET", "/api/lineage/indicators/good_days_ratio?period=2026-YTD",
                        openapi="/api/lineage/indicators/{id}").json()
        value = doc["values"][-1]
        self.assertEqual(value["value"], "100.0")
        run = value["run"]["id"]
        r = self.call("GET", f"/api/lineage/runs/{run}", openapi="/api/lineage/runs/{id}").json()
        self.assertEqual(r["completeness"], "3/3")
        self.assertEqual(r["detail"]["stations"], [{"mn": "WS500237A0001", "days": 3, "valid_days": 3}])
        days = self.call("GET", f"/api/lineage/runs/{run}/days?station=WS500237A0001", openapi="/api/lineage/runs/{id}/days").json()
        self.assertEqual([d["day"] for d in days["days"]], ["2026-01-01", "2026-01-02", "2026-01-03"])
        self.assertEqual(days["days"][0]["daily"]["items"]["pm25"], 22)
        hours = self.call("GET", f"/api/lineage/runs/{run}/hours?station=WS500237A0001&day=2026-01-02",
                          openapi="/api/lineage/runs/{id}/hours").json()
        self.assertEqual(len(hours["observations"]), 144)
        raw = hours["observations"][0]["raw_id"]
        public = self.call("GET", f"/api/lineage/frames/{raw}", openapi="/api/lineage/frames/{id}").json()
        self.assertEqual(public["peer"], "(internal)")
        self.assertTrue(public["bytes_masked"])
        office = self.call("GET", f"/api/lineage/frames/{raw}", role="office", openapi="/api/lineage/frames/{id}").json()
        self.assertNotIn("bytes_masked", office)
        self.assertEqual(office["sha256"], office["sha256_recomputed"])
        self.assertIn("lineage-obs.csv", office["peer"])
        # unknown and malformed ids
        self.assertEqual(self.call("GET", "/api/lineage/runs/999999", openapi="/api/lineage/runs/{id}").status, 404)
        self.assertEqual(self.call("GET", "/api/lineage/runs/abc", openapi="/api/lineage/runs/{id}").status, 400)
        self.assertEqual(self.call("GET", f"/api/lineage/runs/{run}/days?station=NOPE", openapi="/api/lineage/runs/{id}/days").status, 404)
        self.assertEqual(self.call("GET", "/api/lineage/indicators/no_such_indicator", openapi="/api/lineage/indicators/{id}").status,
                         404)

    def test_labels_and_permissions_come_from_the_server(self):
        zh = self.call("GET", "/api/labels").json()
        self.assertEqual(zh["rating"]["stale"], "数据过期")
        self.assertEqual(zh["status"]["closed"], "已销号")
        self.assertEqual(zh["station_kind"]["source"], "污染源")
        en = self.call("GET", "/api/labels?lang=en").json()
        self.assertEqual(en["rating"]["on_track"], "on track")
        self.assertEqual(set(zh), set(en))
        for group in zh:
            self.assertEqual(set(zh[group]), set(en[group]), group)
        self.assertEqual(self.call("GET", "/api/labels?lang=fr").status, 400)
        # what each role may do, from the same rules the server enforces
        self.assertEqual(self.call("GET", "/api/me").json()["may"], {"read": ["indicators"], "write": []})
        office = self.call("GET", "/api/me", role="office").json()["may"]
        self.assertEqual(office["read"], ["indicators", "internal", "audit"])
        self.assertIn("close_item", office["write"])
        self.assertNotIn("report", office["write"])
        auditor = self.call("GET", "/api/me", role="auditor").json()["may"]
        self.assertEqual(auditor["write"], [])

    def test_audit_search_for_people(self):
        # the newest first, a page at a time, ingest batches folded away unless asked for
        first = self.call("GET", "/api/audit/search?limit=5", role="office").json()
        self.assertEqual(len(first["entries"]), 5)
        ids = [e["id"] for e in first["entries"]]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertNotIn("ingest.batch", {e["action"] for e in first["entries"]})
        second = self.call("GET", f"/api/audit/search?limit=5&before={first['next_before']}", role="office").json()
        self.assertLess(second["entries"][0]["id"], ids[-1])
        self.assertEqual(second["total"], first["total"])
        users = self.call("GET", "/api/audit/search?action=user.add", role="auditor").json()
        self.assertEqual(users["total"], len(ROLES))
        self.assertEqual({e["action"] for e in users["entries"]}, {"user.add"})
        none = self.call("GET", "/api/audit/search?from=2999-01-01", role="auditor").json()
        self.assertEqual(none["total"], 0)
        self.assertIsNone(none["next_before"])
        self.assertEqual(self.call("GET", "/api/audit/search?limit=x", role="office").status, 400)
        self.assertEqual(self.call("GET", "/api/audit/search", role="department").status, 403)
        quick = self.call("GET", "/api/audit/verify?rows=0", role="auditor").json()
        self.assertTrue(quick["chain_intact"])
        self.assertEqual(quick["rows_checked"], 0)

    def test_zz_every_error_is_said_in_chinese(self):
        """Every refusal the tests provoked: "error" in Chinese from the catalogue, "error_en" beside it."""
        self.assertGreaterEqual(len(self.errors), 40)
        han = re.compile(r"[\u4e00-\u9fff]")
        untranslated = sorted({e[3].get("error_en", "?") for e in self.errors
                               if not han.search(e[3].get("error", "")) or e[3].get("error") == e[3].get("error_en")})
        self.assertEqual(untranslated, [], "add these to data/i18n/messages.tsv")
        for method, path, status, body in self.errors:
            self.assertEqual(body["status"], status, (method, path))

    def test_zz_openapi_matches_the_routes(self):
        doc = self.call("GET", "/api/openapi.json").json()
        self.assertEqual(doc["openapi"][:2], "3.")
        documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
        # every route the tests call is documented, and every documented route was called
        self.assertEqual(set(self.exercised) - documented, set())
        self.assertEqual(documented - set(self.exercised), set())
        # every route documents who may call it and the shape of its answer …
        for path, ops in doc["paths"].items():
            for m, op in ops.items():
                self.assertIn("security", op, (m, path))
                self.assertIn("x-access", op, (m, path))
                if path != "/api/openapi.json":
                    ok = op["responses"].get("200") or op["responses"].get("201")
                    self.assertIn("content", ok, (m, path))
        # … and every answer the tests received has that shape
        def check(schema, value, where):
            t = schema.get("type")
            kinds = {"object": dict, "array": list, "string": str, "boolean": bool}
            if t in kinds:
                self.assertIsInstance(value, kinds[t], where)
            if t == "number":
                self.assertTrue(isinstance(value, (int, float)) and not isinstance(value, bool), where)
            if t == "object":
                for key in schema.get("required", []):
                    self.assertIn(key, value, where)
                for key, sub in schema.get("properties", {}).items():
                    if key in value and value[key] is not None:
                        check(sub, value[key], f"{where}.{key}")
            if t == "array" and "items" in schema:
                for i, item in enumerate(value[:50]):
                    check(schema["items"], item, f"{where}[{i}]")
        checked = 0
        for method, path, status, body in self.answers:
            op = doc["paths"][path][method.lower()]
            self.assertIn("content", op["responses"][str(status)], f"{method} {path} answered {status}")
            schema = op["responses"][str(status)]["content"]["application/json"]["schema"]
            check(schema, body, f"{method} {path}")
            checked += 1
        self.assertGreater(checked, 30)


class MultiCountyTest(unittest.TestCase):
    """One server, a province and two counties (Wushan and the synthetic 云岭县), each county on its
    own database: a county's users are strangers to the other county (they see its public view
    only); the province's auditors read both, write neither; cookies stay on their county's path."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="shanshui-counties-")
        cls.home, cls.wushan, cls.yunling = (fresh_db(os.path.join(cls.dir, n)) for n in ("home", "wushan", "yunling"))
        for d in ("home", "wushan", "yunling"):
            os.makedirs(os.path.join(cls.dir, d), exist_ok=True)
        cli("plan", "import", "--db", cls.wushan, os.path.join(SRC, "data/plans/wushan-2023-2027.yaml"))
        cli("plan", "import", "--db", cls.yunling, os.path.join(SRC, "data/plans/yunling-2023-2027.yaml"))
        cli("report", "submit", "--claim-reported-at", "--db", cls.wushan, os.path.join(SRC, "data/demo/reports.csv"))
        cli("user", "add", "--db", cls.wushan, "--name", "eeb", "--role", "department", "--department", "eeb",
            "--password", "wushan-eeb-password")
        cli("user", "add", "--db", cls.yunling, "--name", "eeb", "--role", "department", "--department", "eeb",
            "--password", "yunling-eeb-password")
        cli("user", "add", "--db", cls.home, "--name", "province", "--role", "auditor", "--password", "province-password")
        cls.port = free_port()
        cls.proc = subprocess.Popen([BIN, "serve", "--db", cls.home, "--http-port", str(cls.port),
                                     "--county", "wushan=" + cls.wushan, "--county", "yunling=" + cls.yunling,
                                     "--web", os.path.join(SRC, "web/public")], stderr=subprocess.PIPE, text=True)
        line = cls.proc.stderr.readline()
        assert "dashboard on" in line, line

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(10)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def login(self, prefix, user, pw):
        r = request(self.port, "POST", prefix + "/api/login", {"username": user, "password": pw})
        return r

    def get(self, path, token=None):
        return request(self.port, "GET", path, headers={"Authorization": "Bearer " + token} if token else {})

    def test_the_counties_are_listed_with_their_plans(self):
        r = self.get("/api/counties")
        self.assertEqual(r.status, 200)
        got = {c["id"]: (c["path"], c["plan"]) for c in r.json()["counties"]}
        self.assertEqual(got, {"": ("/", None), "wushan": ("/c/wushan/", "wushan-2023-2027"),
                               "yunling": ("/c/yunling/", "yunling-2023-2027")})
        page = self.get("/c/yunling/")
        self.assertEqual(page.status, 200)
        self.assertIn('href="api/progress"', page.body.decode())  # preloads relative to the county's path
        bare = self.get("/c/yunling")
        self.assertEqual((bare.status, bare.headers.get("location")), (301, "/c/yunling/"))
        self.assertIn("山水", page.body.decode())
        nowhere = self.get("/c/nowhere/api/progress")
        self.assertEqual(nowhere.status, 404)
        self.assertEqual(nowhere.json()["error"], "本服务器没有县（区）“nowhere”")

    def test_a_countys_users_are_strangers_next_door(self):
        r = self.login("/c/wushan", "eeb", "wushan-eeb-password")
        self.assertEqual(r.status, 200, r.body)
        self.assertIn("Path=/c/wushan/", r.headers["set-cookie"])
        token = r.json()["token"]
        self.assertEqual(self.get("/c/wushan/api/supervision", token).status, 200)
        # The same token next door: not a session there, so the public view and nothing internal.
        self.assertEqual(self.get("/c/yunling/api/supervision", token).status, 401)
        self.assertEqual(self.get("/c/yunling/api/me", token).json()["role"], "public")
        self.assertEqual(self.get("/c/yunling/api/progress", token).body, self.get("/c/yunling/api/progress").body)
        # Nor at home, nor by the neighbour's password.
        self.assertEqual(self.get("/api/supervision", token).status, 401)
        self.assertEqual(self.login("/c/yunling", "eeb", "wushan-eeb-password").status, 401)
        # Each county's plan is its own.
        self.assertEqual(self.get("/c/wushan/api/plan").json()["id"], "wushan-2023-2027")
        self.assertEqual(self.get("/c/yunling/api/plan").json()["id"], "yunling-2023-2027")

    def test_the_province_reads_every_county_and_writes_none(self):
        r = self.login("", "province", "province-password")
        self.assertEqual(r.status, 200, r.body)
        token = r.json()["token"]
        for county in ("wushan", "yunling"):
            with self.subTest(county=county):
                self.assertEqual(self.get(f"/c/{county}/api/supervision", token).status, 200)
                me = self.get(f"/c/{county}/api/me", token).json()
                self.assertEqual(me["role"], "auditor")
                w = request(self.port, "POST", f"/c/{county}/api/reports",
                            {"item": "T18.1", "period": "2026-Q4", "status": "in_progress", "percent": 80,
                             "narrative": "province"}, {"Authorization": "Bearer " + token})
                self.assertEqual(w.status, 403, w.body)
        # A county's internal progress reached the province: Wushan's reports are in its view.
        wushan = self.get("/c/wushan/api/progress", token).body
        self.assertNotEqual(wushan, self.get("/c/yunling/api/progress", token).body)


class AuditTamperTest(unittest.TestCase):
    def test_tampered_row_is_named(self):
        d = tempfile.mkdtemp(prefix="shanshui-tamper-")
        try:
            db = fresh_db(d)
            cli("plan", "import", "--db", db, os.path.join(SRC, "data/plans/wushan-2023-2027.yaml"))
            cli("report", "submit", "--claim-reported-at", "--db", db, os.path.join(SRC, "data/demo/reports.csv"))
            ok = cli("audit", "verify", "--db", db)
            self.assertIn("intact", ok.stdout + ok.stderr)
            n = int(sql(db, "SELECT count(*) FROM audit")[0][0])
            victim = n // 2
            sql(db, f"UPDATE audit SET detail = detail || ' (edited)' WHERE id = {victim}")
            r = cli("audit", "verify", "--db", db, check=False)
            self.assertEqual(r.returncode, 1)
            self.assertIn(f"entry {victim}", r.stdout + r.stderr)
            # deleting a row is caught too, at the entry after the gap
            sql(db, f"UPDATE audit SET detail = replace(detail, ' (edited)', '') WHERE id = {victim}")
            sql(db, f"DELETE FROM audit WHERE id = {victim + 3}")
            r = cli("audit", "verify", "--db", db, check=False)
            self.assertEqual(r.returncode, 1)
            self.assertIn(f"entry {victim + 4}", r.stdout + r.stderr)
        finally:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
