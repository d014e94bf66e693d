#!/usr/bin/env python3
"""pg_outage_test: `shanshui serve --db postgresql://…` while 20 simulated stations send, and the
PostgreSQL server is killed (pg_ctl stop -m immediate) in the middle of it and started again.
While it is down the listener acknowledges nothing and the dashboard answers 503 with a clear
message; when it is back both recover by themselves; every value acknowledged before, during or
after the outage is stored exactly once, and the audit chain and every row verify.

Run under tests/support/with_postgres.sh (SHANSHUI_TEST_PG, SHANSHUI_TEST_PG_CTL).
Usage: pg_outage_test.py PATH/TO/shanshui
"""
import http.client, json, os, shutil, subprocess, sys, tempfile, time, unittest
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from peers import free_port  # noqa: E402

BIN = sys.argv[1]
ADMIN = os.environ.get("SHANSHUI_TEST_PG", "")
CTL = os.environ.get("SHANSHUI_TEST_PG_CTL", "")


def psql(db, statement):
    out = subprocess.run(["psql", "-q", "-At", db, "-c", statement], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def acks(log):
    if not os.path.exists(log):
        return 0
    with open(log) as f:
        return sum(1 for _ in f)


class Outage(unittest.TestCase):
    def test_killing_postgresql_loses_no_acknowledged_value_and_the_server_recovers(self):
        self.assertTrue(ADMIN and CTL, "run under tests/support/with_postgres.sh")
        d = tempfile.mkdtemp(prefix="shanshui-outage-")
        psql(ADMIN, "CREATE DATABASE outage")
        db = ADMIN.replace("/shanshui?", "/outage?")
        log = os.path.join(d, "acks.log")
        port, http_port = free_port(), free_port()
        server = subprocess.Popen([BIN, "serve", "--db", db, "--hj212-port", str(port), "--http-port", str(http_port)],
                                  stderr=subprocess.PIPE, text=True)
        sim = None
        try:
            deadline = time.time() + 30
            ready = ""
            while "dashboard on" not in ready and time.time() < deadline:
                ready += server.stderr.readline()
            sim = subprocess.Popen([BIN, "simulate", "--db", db, "--register", "--port", str(port), "--air", "20",
                                    "--hours", "240", "--window", "4", "--timeout-ms", "1000", "--ack-log", log],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.time() + 60
            while acks(log) < 200 and time.time() < deadline:
                time.sleep(0.1)
            self.assertGreaterEqual(acks(log), 200, "no acknowledgements before the outage")

            subprocess.run([CTL, "stop"], check=True, capture_output=True)
            time.sleep(1.0)  # a batch committed just before the stop may still be answered
            during_start = acks(log)
            status, body = get(http_port, "/api/stations")
            self.assertEqual(status, 503, body[:300])
            answer = json.loads(body)
            self.assertEqual(answer["error"], "数据库暂时无法连接，请稍后再试")
            health, _ = get(http_port, "/api/health")
            self.assertEqual(health, 503)
            time.sleep(3.0)
            during_end = acks(log)
            self.assertEqual(during_end, during_start, "frames were acknowledged while the database was down")

            subprocess.run([CTL, "start"], check=True, capture_output=True)
            deadline = time.time() + 60
            while acks(log) == during_end and time.time() < deadline:
                time.sleep(0.2)
            self.assertGreater(acks(log), during_end, "the listener did not recover when the database came back")
            out, err = sim.communicate(timeout=300)
            # A data logger gives up on a frame after its resends (HJ 212's retry count) and keeps it
            # for later re-supply: frames sent into the outage may end unacknowledged (exit 2), never
            # acknowledged and lost.
            self.assertIn(sim.returncode, (0, 2), err[-2000:])
            status, _ = get(http_port, "/api/stations")
            self.assertEqual(status, 200, "the dashboard did not recover")
        finally:
            if sim and sim.poll() is None:
                sim.kill()
            server.terminate()
            server.wait(20)
        missing = 0
        with open(log) as f:
            lines = [l.split() for l in f]
        stored = set(psql(db, "SELECT mn || ' ' || data_time FROM observations WHERE cn = '2061' GROUP BY 1 "
                              "HAVING count(*) = 6").splitlines())
        for mn, qn, dt in lines:
            t = f"{dt[0:4]}-{dt[4:6]}-{dt[6:8]}T{dt[8:10]}:{dt[10:12]}:{dt[12:14]}+08:00"
            if f"{mn} {t}" not in stored:
                missing += 1
        dupes = psql(db, "SELECT count(*) FROM (SELECT mn, factor, cn, data_time, kind FROM observations "
                         "GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) d")
        verify = subprocess.run([BIN, "audit", "verify", "--db", db], capture_output=True, text=True)
        shutil.rmtree(d, ignore_errors=True)
        self.assertEqual(missing, 0, f"{missing} of {len(lines)} acknowledged frames lost")
        self.assertEqual(dupes, "0")
        self.assertEqual(verify.returncode, 0, verify.stdout[-2000:] + verify.stderr[-2000:])
        print(f"outage test: {during_start} acknowledged before the stop, none while down, {len(lines)} in all; "
              f"none lost or duplicated; audit verify intact ({err.strip().splitlines()[-1]})", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
