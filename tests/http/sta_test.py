#!/usr/bin/env python3
"""sta_test: the OGC SensorThings API (read) of `shanshui serve` over real sockets — the client
query set tests/data/sta/client-cases.jsonl (a request, who asks, what the answer must hold)
against a county whose values arrive as HJ 212 frames (tests/data/sta/fixture.json) and whose
sharing table is tests/data/sta/sharing.csv; a walk along every @iot.nextLink; a partner's
account kept out of internal data.

Usage: sta_test.py PATH/TO/shanshui SOURCE_DIR
"""
import http.client, json, os, socket, subprocess, sys, tempfile, time, unittest, urllib.parse
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from peers import frame, free_port  # noqa: E402

BIN, SRC = sys.argv[1], sys.argv[2]
DATA = os.path.join(SRC, "tests/data/sta")
USERS = {"eeb": ["--role", "department", "--department", "eeb"], "fengjie": ["--role", "partner", "--department", "fengjie"]}


def fresh_db(directory, name="t"):
    """A SQLite file, or (under tests/support/with_postgres.sh, SHANSHUI_TEST_BACKEND=postgresql) a
    new database of the throwaway PostgreSQL cluster: the same cases on both backends."""
    if os.environ.get("SHANSHUI_TEST_BACKEND") != "postgresql":
        return os.path.join(directory, name + ".db")
    admin = os.environ["SHANSHUI_TEST_PG"]
    name = f"sta{os.getpid()}_{name}"
    subprocess.run(["psql", "-q", admin, "-c", f"CREATE DATABASE {name}"], check=True)
    return admin.replace("/shanshui?", f"/{name}?")


def cli(*args):
    r = subprocess.run([BIN, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"shanshui {' '.join(args)} failed: {r.stderr}")
    return r.stdout


def encode_target(target):
    """A case's "/Things?$filter=name eq 'x'" as a request target: the path and each option's value
    percent-encoded (the path keeps its quotes and parentheses)."""
    path, _, query = target.partition("?")
    out = "/api/sta/v1.1" + urllib.parse.quote(path, safe="/'(),$")
    if query:
        parts = []
        for pair in query.split("&"):
            k, _, v = pair.partition("=")
            parts.append(urllib.parse.quote(k, safe="$") + "=" + urllib.parse.quote(v, safe=""))
        out += "?" + "&".join(parts)
    return out


def at(doc, path):
    """The value at "a/0/b" of a JSON document (KeyError when absent). "@iot.id" and keys with '/'
    inside are looked up whole first."""
    if isinstance(doc, dict) and path in doc:
        return doc[path]
    head, _, rest = path.partition("/")
    if isinstance(doc, list):
        doc = doc[int(head)]
    else:
        doc = doc[head]
    return at(doc, rest) if rest else doc


def hourly_frames(fixture):
    """(MN, frames) per station: a data logger speaks for its own MN only, one connection each."""
    for mn, st in fixture["stations"].items():
        frames = []
        for i, hour in enumerate(fixture["hours"]):
            cp = ";".join(f"{f}-Avg={vals[i]},{f}-Flag=N" for f, vals in st["values"].items())
            seg = (f"QN={hour}0000001;ST={st['st']};CN=2061;PW=123456;MN={mn};Flag=5;"
                   f"CP=&&DataTime={hour}0000;{cp}&&")
            frames.append(frame(seg))
        yield mn, frames


class SensorThings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="shanshui-sta-")
        db = fresh_db(cls.dir)
        cli("plan", "import", "--db", db, os.path.join(SRC, "data/plans/wushan-2023-2027.yaml"))
        cli("station", "import", "--db", db, os.path.join(SRC, "data/demo/stations.csv"))
        for user, args in USERS.items():
            cli("user", "add", "--db", db, "--name", user, "--password", user + "-test-2027", *args)
        cls.port, hj = free_port(), free_port()
        cls.hj = hj
        cls.proc = subprocess.Popen([BIN, "serve", "--db", db, "--http-port", str(cls.port), "--hj212-port", str(hj),
                                     "--sharing", os.path.join(DATA, "sharing.csv")],
                                    stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", hj), timeout=1).close()
                cls.get_raw("/api/health")
                break
            except OSError:
                time.sleep(0.1)
        with open(os.path.join(DATA, "fixture.json"), encoding="utf-8") as f:
            cls.fixture = json.load(f)
        for mn, frames in hourly_frames(cls.fixture):
            s = socket.create_connection(("127.0.0.1", hj), timeout=10)
            s.sendall(b"".join(frames))
            replies = b""
            while replies.count(b"\r\n") < len(frames):  # every frame acknowledged: stored
                chunk = s.recv(65536)
                if not chunk:
                    break
                replies += chunk
            s.close()
            assert replies.count(b"CN=9014") == len(frames), (mn, replies[:300])
        cls.tokens = {}
        for user in USERS:
            status, body = cls.get_raw("/api/login", method="POST",
                                       body=json.dumps({"username": user, "password": user + "-test-2027"}))
            cls.tokens[user] = json.loads(body)["token"]

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=10)

    @classmethod
    def get_raw(cls, target, who=None, method="GET", body=None):
        c = http.client.HTTPConnection("127.0.0.1", cls.port, timeout=30)
        headers = {"Content-Type": "application/json"} if body else {}
        if who and who != "public":
            headers["Authorization"] = "Bearer " + cls.tokens[who]
        c.request(method, target, body=body, headers=headers)
        r = c.getresponse()
        data = r.read().decode()
        c.close()
        return r.status, data

    def test_client_cases(self):
        with open(os.path.join(DATA, "client-cases.jsonl"), encoding="utf-8") as f:
            cases = [json.loads(line) for line in f if line.strip()]
        self.assertGreater(len(cases), 40)
        for case in cases:
            with self.subTest(case["case"]):
                status, body = self.get_raw(encode_target(case["get"]), case["as"])
                self.assertEqual(status, case.get("status", 200), body[:400])
                if "raw" in case:
                    self.assertEqual(body, case["raw"])
                    continue
                doc = json.loads(body)
                if "error" in case:
                    self.assertIn(case["error"], doc["error_en"])
                    self.assertRegex(doc["error"], "[\u4e00-\u9fff]", "the error is also in Chinese")
                if status != 200:
                    continue
                if "ids" in case:
                    self.assertEqual([e["@iot.id"] for e in doc["value"]], case["ids"])
                if "results" in case:
                    self.assertEqual([e["result"] for e in doc["value"]], case["results"])
                if "count" in case:
                    self.assertEqual(doc["@iot.count"], case["count"])
                if "len" in case:
                    self.assertEqual(len(doc["value"]), case["len"])
                if "next" in case:
                    self.assertEqual("@iot.nextLink" in doc, case["next"], doc.get("@iot.nextLink"))
                if "keys" in case:
                    for e in doc["value"]:
                        self.assertEqual(sorted(e), sorted(case["keys"]))
                for path, want in case.get("has", {}).items():
                    self.assertEqual(at(doc, path), want, path)
                for path, want in case.get("contains", {}).items():
                    self.assertIn(want, at(doc, path), path)
                for path in case.get("absent", []):
                    with self.assertRaises((KeyError, IndexError), msg=path):
                        at(doc, path)

    def test_next_links_walk_every_value_once(self):
        """Pages of 5 along @iot.nextLink (as a harvester walks them) see each value once, in order."""
        for who, total in (("public", 24), ("fengjie", 30), ("eeb", 36)):
            seen, target = [], encode_target("/Observations?$top=5&$select=id,result")
            while target:
                status, body = self.get_raw(target, who)
                self.assertEqual(status, 200, body[:300])
                doc = json.loads(body)
                seen += [e["@iot.id"] for e in doc["value"]]
                link = doc.get("@iot.nextLink")
                target = urllib.parse.urlsplit(link)._replace(scheme="", netloc="").geturl() if link else None
            self.assertEqual(len(seen), total, who)
            self.assertEqual(len(set(seen)), total, who)

    def test_every_observation_navigates_back(self):
        """An Observation by its id leads to its Datastream and its FeatureOfInterest."""
        status, body = self.get_raw(encode_target("/Observations?$top=1&$filter=result eq 80"), "public")
        obs = json.loads(body)["value"][0]
        status, body = self.get_raw(encode_target(f"/Observations({obs['@iot.id']})/Datastream"), "public")
        self.assertEqual(json.loads(body)["@iot.id"], "WS500237A0002.a34004.2061.Avg")
        status, body = self.get_raw(encode_target(f"/Observations({obs['@iot.id']})/FeatureOfInterest"), "public")
        self.assertEqual(json.loads(body)["@iot.id"], "WS500237A0002")
        # A value of a series the public may not read is not there for it, by id either.
        status, body = self.get_raw(encode_target("/Observations?$top=1&$filter=result eq 50.1"), "eeb")
        noise = json.loads(body)["value"][0]["@iot.id"]
        status, _ = self.get_raw(encode_target(f"/Observations({noise})"), "public")
        self.assertEqual(status, 404)

    def send_hour(self, mn, hour, values):
        """One more hourly frame from a station, acknowledged."""
        cp = ";".join(f"{f}-Avg={v},{f}-Flag=N" for f, v in values.items())
        seg = f"QN={hour}0000001;ST=22;CN=2061;PW=123456;MN={mn};Flag=5;CP=&&DataTime={hour}0000;{cp}&&"
        s = socket.create_connection(("127.0.0.1", self.hj), timeout=10)
        s.sendall(frame(seg))
        self.assertIn(b"CN=9014", s.recv(4096))
        s.close()

    def test_zz_a_second_instance_harvests_over_sensorthings(self):
        """Fengjie's shanshui harvests Wushan's API with the partner account Wushan gave it: what is
        shared with Fengjie arrives with its licence, once; new values follow; nothing is mixed into
        Fengjie's own stations; the harvest is audited and verifies."""
        other = fresh_db(self.dir, "fengjie")
        cli("plan", "import", "--db", other, os.path.join(SRC, "data/plans/wushan-2023-2027.yaml"))
        token = os.path.join(self.dir, "wushan.token")
        with open(token, "w") as f:
            f.write(self.tokens["fengjie"] + "\n")
        root = f"http://127.0.0.1:{self.port}/api/sta/v1.1"
        args = ["harvest", "--db", other, "--partner", "wushan", "--name", "巫山县", "--from", root, "--token-file", token,
                "--json"]
        first = json.loads(cli(*args))
        self.assertEqual(first["datastreams"], 5)  # the public's four and the pH granted to fengjie
        self.assertEqual(first["series_added"], 5)
        self.assertEqual(first["observations_added"], 30)
        again = json.loads(cli(*args))
        self.assertEqual((again["series_added"], again["observations_added"]), (0, 0))
        self.send_hour("WS500237A0002", "2026030106", {"a34004": "21"})
        third = json.loads(cli(*args))
        self.assertEqual(third["observations_added"], 1)
        # Without the partner's token, only what is published.
        public = json.loads(cli("harvest", "--db", fresh_db(self.dir, "stranger"), "--partner", "wushan", "--from", root,
                                "--json"))
        self.assertEqual(public["datastreams"], 4)
        # The second instance shows them as Wushan's, apart from its own stations.
        cli("user", "add", "--db", other, "--name", "office", "--password", "office-test-2027", "--role", "office")
        port = free_port()
        proc = subprocess.Popen([BIN, "serve", "--db", other, "--http-port", str(port)], stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("POST", "/api/login", body=json.dumps({"username": "office", "password": "office-test-2027"}),
                      headers={"Content-Type": "application/json"})
            tok = json.loads(c.getresponse().read())["token"]
            c.request("GET", "/api/partners", headers={"Authorization": "Bearer " + tok})
            partners = json.loads(c.getresponse().read())
            self.assertEqual([p["partner"] for p in partners], ["wushan"])
            stations = {s["id"]: s for s in partners[0]["stations"]}
            self.assertEqual(sorted(stations), ["WS500237A0001", "WS500237A0002", "WS500237W0001"])
            ph = next(x for x in stations["WS500237W0001"]["series"] if x["property"] == "w01001")
            self.assertEqual((ph["licence"], ph["property_name"]), ("流域共享协议（测试）", "pH"))
            self.assertEqual(ph["latest"], {"time": "2026-03-01T05:00:00+08:00", "result": "7.6"})
            pm = next(x for x in stations["WS500237A0002"]["series"] if x["property"] == "a34004")
            self.assertEqual(pm["latest"]["result"], "21")
            c.request("GET", "/api/stations")
            self.assertEqual(json.loads(c.getresponse().read()), [])  # never among its own
            c.request("GET", "/api/partners")
            self.assertEqual(c.getresponse().status, 401)  # the public does not get the partners' data
            c.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        verify = subprocess.run([BIN, "audit", "verify", "--db", other], capture_output=True, text=True)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)

    def test_zz_an_export_file_is_harvested_like_the_api(self):
        """A neighbour without an API sends a file in the API's shape: the same series and values land."""
        status, body = self.get_raw(encode_target(
            "/Datastreams?$expand=Thing($expand=Locations),ObservedProperty,Observations($top=1000)"), "public")
        self.assertEqual(status, 200)
        export = os.path.join(self.dir, "wushan-export.json")
        with open(export, "w", encoding="utf-8") as f:
            f.write(body)
        db = fresh_db(self.dir, "fromfile")
        r = json.loads(cli("harvest", "--db", db, "--partner", "wushan", "--file", export, "--json"))
        self.assertEqual((r["datastreams"], r["series_added"]), (4, 4))
        self.assertGreaterEqual(r["observations_added"], 24)
        again = json.loads(cli("harvest", "--db", db, "--partner", "wushan", "--file", export, "--json"))
        self.assertEqual(again["observations_added"], 0)
        self.assertEqual(again["observations_present"], r["observations_added"])
        with open(export, "w") as f:
            f.write('{"value": [{"name": "no id"}]}')
        bad = subprocess.run([BIN, "harvest", "--db", db, "--partner", "wushan", "--file", export], capture_output=True,
                             text=True)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("Datastream 1: a Datastream without @iot.id", bad.stderr)

    def test_partner_reads_nothing_internal(self):
        for target in ("/api/items/T18.2", "/api/supervision", "/api/audit"):
            status, body = self.get_raw(target, "fengjie")
            self.assertEqual(status, 403, target)
            self.assertIn("协作方", json.loads(body)["error"])
        status, _ = self.get_raw("/api/reports", "fengjie", method="POST", body="{}")
        self.assertEqual(status, 403)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
