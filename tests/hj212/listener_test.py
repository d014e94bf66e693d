#!/usr/bin/env python3
"""listener_test: the HJ 212 listener over real sockets on loopback, through the real binary:
sticky and half packets, a frame in many writes, bad CRC, oversize frame, unknown MN, 200
concurrent stations, a silent client, and kill -9 while stations send.

Usage: listener_test.py PATH/TO/shanshui
"""
import os, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, threading, time, unittest
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from peers import crc, frame, free_port  # noqa: E402

BIN = sys.argv[1]






def segment(mn, hour, qn=None, pw="123456", flag=5):
    qn = qn or f"2025010{1 + hour // 24}{hour % 24:02d}0000000"
    return (f"QN={qn};ST=22;CN=2061;PW={pw};MN={mn};Flag={flag};CP=&&DataTime=2025010{1 + hour // 24}{hour % 24:02d}0000;"
            f"a34004-Avg={10 + hour},a34004-Flag=N;a34002-Avg={20 + hour},a34002-Flag=N&&")




class Server:
    def __init__(self, db, port, *extra):
        self.db, self.port = db, port
        self.proc = subprocess.Popen([BIN, "serve", "--db", db, "--hj212-port", str(port), *extra],
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        assert "listening" in line, line

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)


def run(*args, ok=(0,)):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300)
    assert p.returncode in ok, (args, p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    return p


def recv_replies(sock, n, timeout=3.0):
    sock.settimeout(timeout)
    data = b""
    end = time.time() + timeout
    while data.count(b"\r\n") < n and time.time() < end:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return [l for l in data.split(b"\r\n") if l]


class Listener(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="shanshui-hj212-")
        self.db = os.path.join(self.dir, "t.db")
        run("station", "add", "--db", self.db, "--mn", "M1", "--kind", "air", "--password", "123456")
        run("station", "add", "--db", self.db, "--mn", "M2", "--kind", "air", "--password", "123456", "--crc", "modbus-swapped")
        self.port = free_port()
        # 200 simulated stations share 127.0.0.1: the per-address cap is raised for them
        self.server = Server(self.db, self.port, "--idle-timeout", "2", "--max-frame", "1024", "--hj212-max-per-address", "1000")

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.port), timeout=5)

    def query(self, sql, *args):
        con = sqlite3.connect(self.db)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def test_sticky_half_and_many_writes(self):
        s = self.connect()
        a, b, c = frame(segment("M1", 0)), frame(segment("M1", 1)), frame(segment("M1", 2))
        s.sendall(a + b[:17])          # sticky: a whole frame and half of the next
        time.sleep(0.1)
        s.sendall(b[17:])
        for byte in c:                 # a frame one byte per write
            s.send(bytes([byte]))
        replies = recv_replies(s, 3)
        self.assertEqual(len(replies), 3, replies)
        self.assertTrue(all(b"CN=9014" in r and b"ST=91" in r for r in replies))
        self.assertEqual(self.query("SELECT count(*) FROM observations WHERE mn='M1'")[0][0], 6)
        s.sendall(a)                   # a resent frame is acknowledged again and stored once
        self.assertEqual(len(recv_replies(s, 1)), 1)
        self.assertEqual(self.query("SELECT count(*) FROM observations WHERE mn='M1'")[0][0], 6)

    def test_refusals_are_quarantined_without_reply(self):
        s = self.connect()
        s.sendall(frame(segment("M1", 0), bad_crc=True))
        self.assertEqual(recv_replies(s, 1, timeout=1.0), [])
        s2 = self.connect()
        s2.sendall(frame(segment("NOPE", 0)))
        self.assertEqual(recv_replies(s2, 1, timeout=1.0), [])
        s3 = self.connect()
        s3.sendall(frame(segment("M1", 0, pw="999999")))
        self.assertEqual(recv_replies(s3, 1, timeout=1.0), [])
        s4 = self.connect()
        big = segment("M1", 5).replace("&&DataTime", "&&" + "X" * 1200 + "=1;DataTime")
        s4.sendall(frame(big) + frame(segment("M1", 6)))  # oversize, then a good frame on the same connection
        replies = recv_replies(s4, 1)
        self.assertEqual(len(replies), 1)
        self.assertIn(b"QN=20250101060000000", replies[0])
        time.sleep(0.3)
        reasons = [r[0] for r in self.query("SELECT reason FROM quarantine ORDER BY id")]
        joined = "\n".join(reasons)
        self.assertIn("CRC mismatch: the frame carries 0000, expected", joined)
        self.assertIn("unknown MN 'NOPE'", joined)
        self.assertIn("wrong password for MN M1", joined)
        self.assertIn("exceeds the limit 1024", joined)
        listed = run("hj212", "quarantine", "--db", self.db).stdout
        self.assertIn("unknown MN 'NOPE'", listed)

    def test_modbus_station_is_checked_in_its_own_mode(self):
        s = self.connect()
        seg = segment("M2", 0)
        b = seg.encode()
        reg = 0xFFFF
        for x in b:  # CRC-16/MODBUS, printed low byte first
            reg ^= x
            for _ in range(8):
                lsb = reg & 1
                reg >>= 1
                if lsb:
                    reg ^= 0xA001
        swapped = ((reg & 0xFF) << 8) | (reg >> 8)
        s.sendall(f"##{len(b):04d}{seg}{swapped:04X}\r\n".encode())
        self.assertEqual(len(recv_replies(s, 1)), 1)

    def test_silent_client_does_not_block_others_and_times_out(self):
        silent = self.connect()
        s = self.connect()
        s.sendall(frame(segment("M1", 3)))
        self.assertEqual(len(recv_replies(s, 1)), 1)
        silent.settimeout(5)
        t0 = time.time()
        self.assertEqual(silent.recv(10), b"")  # closed by the server's idle timeout
        self.assertLess(time.time() - t0, 5)

    def test_two_hundred_concurrent_stations(self):
        p = run("simulate", "--db", self.db, "--register", "--port", str(self.port), "--air", "200", "--hours", "6",
                "--split", "0.2", "--bad-crc", "0.05", "--json")
        import json
        stats = json.loads(p.stdout)
        self.assertEqual(stats["acknowledged"], 1200)
        self.assertEqual(stats["failed"], 0)
        n = self.query("SELECT count(*) FROM observations WHERE mn LIKE 'SIMA%'")[0][0]
        self.assertEqual(n, 1200 * 6)


class Chain(unittest.TestCase):
    """Simulated stations → listener → observations → quality engine → the plan's targets."""

    def test_simulated_data_reaches_assessment_targets_and_alarms(self):
        import json
        d = tempfile.mkdtemp(prefix="shanshui-chain-")
        db = os.path.join(d, "t.db")
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        run("plan", "import", "--db", db, os.path.join(root, "data/plans/wushan-2023-2027.yaml"))
        port = free_port()
        server = Server(db, port, "--accept-past-days", "5000")  # 2024's hours, sent today
        stats = json.loads(run("simulate", "--db", db, "--register", "--port", str(port), "--air", "3", "--water", "1",
                               "--from", "2024-01-01", "--hours", "8784", "--window", "32", "--json").stdout)
        server.stop()
        self.assertEqual(stats["failed"], 0)
        doc = json.loads(run("air", "assess", "--db", db, "--from-db", "--record", "--json").stdout)
        self.assertEqual(doc["county"]["year"], 2024)
        self.assertEqual(doc["county"]["valid_days"], 366)
        self.assertEqual(len(doc["stations"]), 3)
        prog = json.loads(run("progress", "--db", db, "--json", "--as-of", "2025-06-30").stdout)
        gd = next(t for t in prog["targets"] if t["id"] == "good_days_ratio")
        self.assertEqual(gd["series"][-1]["year"], 2024)
        self.assertEqual(float(gd["series"][-1]["value"]), doc["county"]["good_days_ratio"])
        self.assertIn("observations sha256:", gd["series"][-1]["provenance"]["source"])
        exported = json.loads(run("obs", "export", "--db", db, "--mn", "SIMA00001", "--json").stdout)
        self.assertEqual(len(exported), 8784 * 6)
        first = exported[0]
        self.assertEqual(set(first) >= {"mn", "factor", "cn", "time", "kind", "value", "flag"}, True)
        self.assertEqual(first["time"], "2024-01-01T00:00:00+08:00")
        self.assertEqual(first["cn"], "2061")
        alarms = json.loads(run("alarms", "--db", db, "--as-of", "2025-01-02", "--json").stdout)
        self.assertEqual(sorted(a["mn"] for a in alarms if a["kind"] == "silent"),
                         ["SIMA00001", "SIMA00002", "SIMA00003", "SIMW00001"])
        csv = os.path.join(d, "lab.csv")
        with open(csv, "w", encoding="utf-8") as f:
            f.write("mn,factor,time,value,kind,flag\nSIMW00001,w21011,2025-01-05 10:00:00,0.35,Avg,N\n"
                    "SIMW00001,w21011,2025-01-06 10:00:00,-1,Avg,N\n")
        p = run("obs", "import", "--db", db, csv, ok=(1,))
        self.assertIn("lab.csv:3: value -1 is negative", p.stderr)
        run("obs", "import", "--db", db, "--accept-valid", csv, ok=(2,))
        alarms = json.loads(run("alarms", "--db", db, "--as-of", "2025-01-06", "--json").stdout)
        self.assertTrue(any(a["kind"] == "over_standard" and "总磷" in a["detail"] for a in alarms), alarms)
        shutil.rmtree(d, ignore_errors=True)


class Crash(unittest.TestCase):
    def test_kill9_loses_no_acknowledged_value_and_duplicates_none(self):
        d = tempfile.mkdtemp(prefix="shanshui-crash-")
        db, log = os.path.join(d, "t.db"), os.path.join(d, "acks.log")
        port = free_port()
        server = Server(db, port)
        sim = subprocess.Popen([BIN, "simulate", "--db", db, "--register", "--port", str(port), "--air", "40",
                                "--hours", "300", "--window", "4", "--timeout-ms", "1000", "--ack-log", log],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3.0)
        server.kill9()
        acked_before = sum(1 for _ in open(log)) if os.path.exists(log) else 0
        time.sleep(0.5)
        server = Server(db, port)
        out, err = sim.communicate(timeout=240)
        server.stop()
        self.assertGreater(acked_before, 0, "the crash came before any acknowledgement")
        acks = [l.split() for l in open(log)]
        con = sqlite3.connect(db)
        missing = 0
        for mn, qn, dt in acks:
            t = f"{dt[0:4]}-{dt[4:6]}-{dt[6:8]}T{dt[8:10]}:{dt[10:12]}:{dt[12:14]}+08:00"
            n = con.execute("SELECT count(*) FROM observations WHERE mn=? AND data_time=? AND cn='2061'", (mn, t)).fetchone()[0]
            if n != 6:
                missing += 1
        dupes = con.execute("SELECT count(*) FROM (SELECT mn, factor, cn, data_time, kind, count(*) c FROM observations "
                            "GROUP BY 1, 2, 3, 4, 5 HAVING c > 1)").fetchone()[0]
        con.close()
        shutil.rmtree(d, ignore_errors=True)
        self.assertEqual(missing, 0, f"{missing} acknowledged frames lost ({len(acks)} acknowledged, {acked_before} before kill -9)")
        self.assertEqual(dupes, 0)
        print(f"crash test: {acked_before} acknowledged before kill -9, {len(acks)} in all, none lost or duplicated",
              file=sys.stderr)

    def test_online_backup_while_stations_send(self):
        """`db backup` copies the database while the server ingests: the copy is a consistent
        snapshot whose audit chain and rows verify, the source goes on, and a second backup to the
        same file is refused."""
        d = tempfile.mkdtemp(prefix="shanshui-backup-")
        db, copy = os.path.join(d, "t.db"), os.path.join(d, "copy.db")
        port = free_port()
        server = Server(db, port)
        sim = subprocess.Popen([BIN, "simulate", "--db", db, "--register", "--port", str(port), "--air", "20",
                                "--hours", "200", "--window", "4", "--timeout-ms", "1000"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 30
            while time.time() < deadline and not self.count(db):
                time.sleep(0.2)
            p = run("db", "backup", "--db", db, "--to", copy)
            self.assertIn("审计链完整", p.stdout)
            during = self.count(db)
            out, err = sim.communicate(timeout=240)
            self.assertEqual(sim.returncode, 0, err[-2000:])
        finally:
            if sim.poll() is None:
                sim.kill()
            server.stop()
        in_copy, after = self.count(copy), self.count(db)
        self.assertGreater(in_copy, 0)
        self.assertLess(in_copy, after, "the stations went on sending after the backup")
        self.assertLessEqual(in_copy, during)
        v = run("audit", "verify", "--db", copy)  # exit 0: chain and rows intact
        self.assertIn("data intact", v.stdout)
        refused = run("db", "backup", "--db", db, "--to", copy, ok=(1,))
        self.assertIn("already exists", refused.stderr)
        con = sqlite3.connect(db)
        logged = con.execute("SELECT count(*) FROM audit WHERE action = 'db.backup' AND object = ?", (copy,)).fetchone()[0]
        con.close()
        self.assertEqual(logged, 1)
        shutil.rmtree(d, ignore_errors=True)

    @staticmethod
    def count(db):
        con = sqlite3.connect(db)
        try:
            return con.execute("SELECT count(*) FROM observations").fetchone()[0]
        except sqlite3.OperationalError:  # not created yet
            return 0
        finally:
            con.close()


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
