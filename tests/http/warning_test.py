#!/usr/bin/env python3
"""warning_test: upstream → downstream pre-warning end to end over real sockets — an exceedance
sent as an HJ 212 frame at the Daning River's inbound section (大昌), `shanshui warn` passes over
data/exchange/river-network.csv, the downstream departments' inbox (督办 notices of kind
'warning', with the arrival window), webhooks on a local receiver (once each, retried after a
failure with the same Idempotency-Key), the joint alarm to the partner downstream, an answer
recorded, and the audit chain intact.

Usage: warning_test.py PATH/TO/shanshui SOURCE_DIR
"""
import http.client, http.server, json, os, socket, subprocess, sys, tempfile, threading, time, unittest
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from peers import frame, free_port  # noqa: E402

BIN, SRC = sys.argv[1], sys.argv[2]


def cli(*args):
    r = subprocess.run([BIN, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"shanshui {' '.join(args)} failed: {r.stderr}")
    return r.stdout


class Receiver(http.server.BaseHTTPRequestHandler):
    """A webhook endpoint: records every POST; /flaky answers 500 to its first."""
    posts = []
    flaky_failed = False

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.posts.append((self.path, self.headers.get("Idempotency-Key"), json.loads(body)))
        status = 200
        if self.path == "/flaky" and not Receiver.flaky_failed:
            Receiver.flaky_failed = True
            status = 500
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class UpstreamWarning(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="shanshui-warn-")
        cls.db = os.path.join(cls.dir, "t.db")
        cli("plan", "import", "--db", cls.db, os.path.join(SRC, "data/plans/wushan-2023-2027.yaml"))
        cli("station", "import", "--db", cls.db, os.path.join(SRC, "data/demo/stations.csv"))
        for name, role, dept in (("eeb", "department", "eeb"), ("office", "office", "")):
            cli("user", "add", "--db", cls.db, "--name", name, "--password", name + "-test-2027", "--role", role,
                *(["--department", dept] if dept else []))
        cls.hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=cls.hook.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{cls.hook.server_address[1]}"
        cls.channels = os.path.join(cls.dir, "channels.csv")
        with open(cls.channels, "w") as f:
            f.write(f"recipient,channel,target\neeb,webhook,{base}/eeb\nbadong,webhook,{base}/flaky\n")
        cls.port, cls.hj = free_port(), free_port()
        cls.proc = subprocess.Popen([BIN, "serve", "--db", cls.db, "--http-port", str(cls.port), "--hj212-port",
                                     str(cls.hj), "--warn-every", "0"], stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        # Ammonia nitrogen 1.6 mg/L at 大昌 two hours ago: class V against the section's II.
        t = time.gmtime(time.time() + 8 * 3600 - 2 * 3600)
        cls.hour = time.strftime("%Y%m%d%H", t)
        cls.when = time.strftime("%Y-%m-%dT%H:00:00+08:00", t)
        seg = (f"QN={cls.hour}0000001;ST=21;CN=2061;PW=123456;MN=WS500237W0003;Flag=5;"
               f"CP=&&DataTime={cls.hour}0000;w21003-Avg=1.6,w21003-Flag=N;w01001-Avg=7.4,w01001-Flag=N&&")
        s = socket.create_connection(("127.0.0.1", cls.hj), timeout=10)
        s.sendall(frame(seg))
        assert b"CN=9014" in s.recv(4096)
        s.close()

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=10)
        cls.hook.shutdown()

    def api(self, method, path, user=None, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json"}
        if user:
            c.request("POST", "/api/login", body=json.dumps({"username": user, "password": user + "-test-2027"}),
                      headers=headers)
            headers["Authorization"] = "Bearer " + json.loads(c.getresponse().read())["token"]
        c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        r = c.getresponse()
        out = (r.status, json.loads(r.read() or b"null"))
        c.close()
        return out

    def warn(self):
        return json.loads(cli("warn", "--db", self.db, "--channels", self.channels, "--json"))

    def test_an_upstream_exceedance_warns_downstream_once(self):
        first = self.warn()
        self.assertEqual(first["exceedances"], 1)
        # 大昌 → 龙门峡 → 培石 → 巴东官渡口: three sections downstream.
        self.assertEqual(first["warnings"], 3)
        self.assertEqual(first["notices_issued"], 5)  # 龙门峡: eeb, water, urban; 培石: eeb, water
        self.assertEqual(first["messages_queued"], 3)  # eeb twice; the joint alarm to Badong once
        self.assertEqual((first["delivered"], first["failed"]), (2, 1))

        # The inbox: eeb's two warnings, with the arrival window.
        status, notices = self.api("GET", "/api/notices", "eeb")
        self.assertEqual(status, 200)
        warnings = [n for n in notices if n["subject_kind"] == "warning" and n["department"] == "eeb"]
        self.assertEqual(len(warnings), 2)
        longmen = next(n for n in warnings if "大宁河-龙门峡" in n["request"])
        self.assertIn("大宁河-大昌（入境）", longmen["request"])
        self.assertIn("氨氮 1.6 mg/L（V 类，目标 II 类）", longmen["request"])
        # 28 km at 0.2–0.8 m/s: 9.72 h to 38.89 h after the hour, to the minute (floor, ceil).
        hook = [p for p in Receiver.posts if p[0] == "/eeb"]
        msg = next(p[2] for p in hook if p[2]["downstream"] == "daning-longmen")
        start = time.mktime(time.strptime(self.when[:19], "%Y-%m-%dT%H:%M:%S"))
        self.assertEqual(msg["arrival_from"], time.strftime("%Y-%m-%dT%H:%M+08:00", time.localtime(start + 583 * 60)))
        self.assertEqual(msg["arrival_to"], time.strftime("%Y-%m-%dT%H:%M+08:00", time.localtime(start + 2334 * 60)))
        self.assertEqual((msg["factor"], msg["value"], msg["class"], msg["target"]), ("w21003", "1.6", "V", "II"))
        self.assertEqual(msg["time"], self.when)

        # Again: nothing new is issued or sent; the failed joint alarm is retried after its backoff.
        time.sleep(1.2)
        second = self.warn()
        self.assertEqual((second["notices_issued"], second["messages_queued"]), (0, 0))
        self.assertEqual((second["delivered"], second["failed"]), (1, 0))
        third = self.warn()
        self.assertEqual((third["notices_issued"], third["messages_queued"], third["delivered"]), (0, 0, 0))
        self.assertEqual(len([p for p in Receiver.posts if p[0] == "/eeb"]), 2)
        self.assertEqual(len({p[1] for p in Receiver.posts if p[0] == "/eeb"}), 2)  # two warnings, two keys
        self.assertEqual(first["notices_queued"], 0)  # warnings are queued by their pass, not again as notices
        flaky = [p for p in Receiver.posts if p[0] == "/flaky"]
        self.assertEqual(len(flaky), 2)  # one failure, one success, the same message
        self.assertEqual(flaky[0][1], flaky[1][1])
        self.assertEqual(flaky[0][2]["downstream"], "badong-guandukou")
        self.assertEqual(len(notices), len(self.api("GET", "/api/notices", "eeb")[1]))

        # The department answers; the office resolves: who, when and what is recorded.
        status, _ = self.api("POST", f"/api/notices/{longmen['id']}/steps", "eeb",
                             {"action": "answer", "text": "已加密监测龙门峡断面，启动应急预案"})
        self.assertIn(status, (200, 201))
        status, _ = self.api("POST", f"/api/notices/{longmen['id']}/steps", "office", {"action": "resolve", "text": "已核实"})
        self.assertIn(status, (200, 201))
        after = next(n for n in self.api("GET", "/api/notices", "eeb")[1] if n["id"] == longmen["id"])
        self.assertEqual(after["state"], "resolved")
        self.assertEqual([e["action"] for e in after["events"]], ["answer", "resolve"])
        self.assertEqual(after["events"][0]["actor"], "eeb")

        # An ordinary 督办 notice to eeb reaches its channel too, once.
        status, issued = self.api("POST", "/api/notices", "office",
                                  {"subject_kind": "target", "subject": "yangtze_class", "department": "eeb",
                                   "due": "2027-01-15", "request": "请说明培石断面氨氮升高的原因和措施"})
        self.assertIn(status, (200, 201), issued)
        fourth = self.warn()
        self.assertEqual((fourth["notices_queued"], fourth["delivered"]), (1, 1))
        self.assertEqual(self.warn()["notices_queued"], 0)
        notice_posts = [p for p in Receiver.posts if p[0] == "/eeb" and p[2]["kind"] == "notice"]
        self.assertEqual(len(notice_posts), 1)
        self.assertEqual(notice_posts[0][2]["text"], "请说明培石断面氨氮升高的原因和措施")

        verify = subprocess.run([BIN, "audit", "verify", "--db", self.db], capture_output=True, text=True)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
