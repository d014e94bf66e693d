#!/usr/bin/env python3
"""cli_test: drives the real `shanshui` binary on a real SQLite file and reads its xlsx back.

Usage: cli_test.py PATH/TO/shanshui REPO_ROOT   (CTest passes both)
"""
import json, os, shutil, sqlite3, subprocess, sys, tempfile, unittest

BIN, ROOT = sys.argv[1], sys.argv[2]
PLAN = os.path.join(ROOT, "data/plans/wushan-2023-2027.yaml")
MEAS = os.path.join(ROOT, "data/demo/measurements.csv")
REPORTS = os.path.join(ROOT, "data/demo/reports.csv")
AS_OF = "2026-11-28"


def run(*args, db=None, ok=(0,)):
    cmd = [BIN, *args] + (["--db", db] if db else [])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode not in ok:
        raise AssertionError(f"{cmd} exited {p.returncode}\nstdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-2000:]}")
    return p


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def dump(db):
    """Every row of every table, to prove a refused command changed nothing."""
    con = sqlite3.connect(db)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


class Cli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="shanshui-cli-")
        self.db = os.path.join(self.dir, "t.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def load_demo(self):
        run("plan", "import", PLAN, db=self.db)
        run("measure", "import", MEAS, db=self.db)
        run("report", "submit", "--claim-reported-at", REPORTS, db=self.db)

    def test_help_for_every_command(self):
        for args in (["--help"], ["plan", "--help"], ["plan", "import", "--help"], ["plan", "lint", "--help"],
                     ["plan", "show", "--help"], ["report", "submit", "--help"], ["measure", "import", "--help"],
                     ["item", "close", "--help"], ["progress", "--help"], ["supervision", "--help"],
                     ["scorecard", "--help"], ["export", "--help"]):
            p = run(*args)
            self.assertIn("--", p.stdout, args)

    def test_plan_import_is_idempotent(self):
        p = run("plan", "import", PLAN, db=self.db)
        self.assertIn("imported wushan-2023-2027 version 1 (92 work items, 70 targets)", p.stderr)
        before = dump(self.db)
        p = run("plan", "import", PLAN, db=self.db)
        self.assertIn("unchanged: already in force as wushan-2023-2027 version 1", p.stderr)
        self.assertEqual(dump(self.db), before)

    def test_malformed_plan_is_refused_and_changes_nothing(self):
        run("plan", "import", PLAN, db=self.db)
        before = dump(self.db)
        text = read(PLAN)
        broken = self.write("broken.yaml", text.replace('    bound: ">="\n', '    bound: ">=>"\n', 1))
        p = run("plan", "import", broken, db=self.db, ok=(1,))
        line = text[: text.index('    bound: ">="\n')].count("\n") + 1
        self.assertIn(f"{broken}:{line}: unknown bound '>=>'", p.stderr)
        unknown = self.write("unknown.yaml", text.replace('lead: ["县林业局"]', 'lead: ["县林草局"]', 1))
        p = run("plan", "import", unknown, db=self.db, ok=(1,))
        self.assertIn("department '县林草局' is not in the department registry", p.stderr)
        self.assertIn("nothing imported", p.stderr)
        self.assertEqual(dump(self.db), before)

    def test_plan_show_json_holds_the_whole_plan(self):
        doc = json.loads(run("plan", "show", "--json", "--plan", PLAN).stdout)
        self.assertEqual(len(doc["actions"]), 5)
        tasks = [t for a in doc["actions"] for t in a["tasks"]]
        self.assertEqual(len(tasks), 20)
        self.assertEqual(sum(len(t["items"]) for t in tasks), 92)
        self.assertEqual(len(doc["targets"]), 70)
        item = tasks[1]["items"][7]
        self.assertEqual(item["id"], "T02.8")
        self.assertEqual(item["lead"], ["forestry"])
        self.assertEqual(item["notes"], ["应由规资局牵头"])
        housing = next(d for d in doc["departments"] if d["id"] == "housing")
        self.assertIn("县住房城乡建设委", housing["aliases"])
        forest = next(t for t in doc["targets"] if t["id"] == "forest_coverage")
        for key in ("id", "name", "unit", "bound", "value", "year", "baseline", "lead", "method", "clause"):
            self.assertIn(key, forest)

    def test_plan_lint_json(self):
        p = run("plan", "lint", "--json", "--plan", PLAN)
        findings = json.loads(p.stdout)
        self.assertTrue(all(set(f) >= {"severity", "rule", "where", "message"} for f in findings))
        rules = {(f["rule"], f["where"]) for f in findings}
        self.assertIn(("department-duplicate", "T04"), rules)
        self.assertIn(("note-contradicts-lead", "T02.8"), rules)
        bad = self.write("bad.yaml", read(PLAN).replace('lead: ["县林业局"]', 'lead: ["县林草局"]', 1))
        p = run("plan", "lint", "--json", "--plan", bad, ok=(1,))
        self.assertTrue(any(f["severity"] == "error" and f["rule"] == "department-unknown" for f in json.loads(p.stdout)))

    def test_reports_outside_a_departments_lane_are_refused(self):
        run("plan", "import", PLAN, db=self.db)
        before = dump(self.db)
        csv = self.write("r.csv", "item,period,status,percent,narrative,evidence,reporter\n"
                                  "T02.1,2026-Q3,in_progress,70,造林推进,,县林业局\n"
                                  "T02.1,2026-Q3,in_progress,70,越权填报,,县文化旅游委\n"
                                  "T99.1,2026-Q3,in_progress,70,,,县林业局\n"
                                  "T02.2,2026-Q3,in_progress,70,,,县林草局\n")
        p = run("report", "submit", csv, db=self.db, ok=(1,))
        self.assertIn(f"{csv}:3: 县文化旅游委 neither leads nor shares T02.1", p.stderr)
        self.assertIn(f"{csv}:4: unknown work item 'T99.1'", p.stderr)
        self.assertIn(f"{csv}:5: unknown department '县林草局'", p.stderr)
        self.assertIn("3 of 4 reports refused; nothing stored", p.stderr)
        self.assertEqual(dump(self.db), before)
        p = run("report", "submit", "--accept-valid", csv, db=self.db, ok=(2,))
        self.assertIn("1 reports stored, 0 already present, 3 refused", p.stderr)
        kept = run("report", "rejected", db=self.db).stdout
        self.assertIn("T02.1,2026-Q3,in_progress,70,越权填报,,县文化旅游委", kept)
        self.assertIn("3 refused rows kept", kept)

    def test_a_claimed_time_of_reporting_needs_the_flag_and_is_audited(self):
        run("plan", "import", PLAN, db=self.db)
        csv = self.write("late.csv", "item,period,status,percent,narrative,evidence,reporter,reported_at\n"
                                     "T02.1,2026-Q3,in_progress,70,纸质报表补录,,县林业局,2026-10-09 09:00:00\n")
        p = run("report", "submit", csv, db=self.db, ok=(1,))
        self.assertIn("reported_at is set by shanshui when a report is filed", p.stderr)
        run("report", "submit", "--claim-reported-at", csv, db=self.db)
        p = run("report", "submit", "--claim-reported-at", csv, db=self.db)  # the same file again: already present
        self.assertIn("0 reports stored, 1 already present", p.stderr)
        log = json.loads(run("audit", "list", "--object", "T02.1", "--json", db=self.db).stdout)
        self.assertTrue(any("reported_at 2026-10-09T09:00:00+08:00 claimed by the submitter" in e["detail"] for e in log), log)
        earlier = self.write("earlier.csv", "item,period,status,percent,narrative,evidence,reporter,reported_at\n"
                                            "T02.1,2026-Q3,in_progress,75,,,县林业局,2026-10-01 09:00:00\n"
                                            "T02.1,2026-Q3,in_progress,75,,,县林业局,2999-01-01 09:00:00\n")
        p = run("report", "submit", "--claim-reported-at", earlier, db=self.db, ok=(1,))
        self.assertIn(f"{earlier}:2: reported_at 2026-10-01T09:00:00+08:00 is earlier than the last report on T02.1 by 县林业局 "
                      "(2026-10-09T09:00:00+08:00)", p.stderr)
        self.assertIn(f"{earlier}:3: reported_at 2999-01-01T09:00:00+08:00 is later than now", p.stderr)

    def test_a_signed_digest_detects_a_cut_log(self):
        run("plan", "import", PLAN, db=self.db)
        run("report", "submit", "--claim-reported-at", REPORTS, db=self.db)
        digest = os.path.join(self.dir, "digest.json")
        run("audit", "digest", "--out", digest, db=self.db)
        self.assertEqual(os.stat(self.db + ".audit-key").st_mode & 0o777, 0o600)  # the key stays private
        key = run("audit", "public-key", db=self.db).stdout.strip()
        self.assertEqual(json.load(open(digest))["public_key"], key)
        # the untouched log, and one that grew since, both extend the digest
        self.assertIn("extends the digest", run("audit", "verify", "--digest", digest, "--public-key", key, db=self.db).stdout)
        run("item", "close", "--item", "T01.1", "--evidence", "x", "--approver", "县发展改革委", db=self.db, ok=(0, 1))
        run("measure", "import", os.path.join(ROOT, "data/demo/measurements.csv"), db=self.db, ok=(0, 2))
        self.assertIn("extends the digest", run("audit", "verify", "--digest", digest, db=self.db).stdout)
        head = json.load(open(digest))["head_id"]
        # an altered digest fails on its signature
        forged = os.path.join(self.dir, "forged.json")
        d = json.load(open(digest))
        d["head_id"] = head - 1
        json.dump(d, open(forged, "w"))
        p = run("audit", "verify", "--digest", forged, db=self.db, ok=(1,))
        self.assertIn("signature does not match", p.stdout)
        # cutting the log's end: the chain alone still holds, but the rows its lost entries wrote are
        # vouched for by no entry, and the digest names the missing head
        with sqlite3.connect(self.db) as con:
            con.execute("DELETE FROM audit WHERE id >= ?", (head,))
        p = run("audit", "verify", db=self.db, ok=(1,))
        self.assertIn("audit chain intact", p.stdout)
        self.assertIn("vouched for by no audit entry", p.stdout)
        p = run("audit", "verify", "--digest", digest, db=self.db, ok=(1,))
        self.assertIn(f"no longer holds entry {head}", p.stdout)
        # a digest signed by another key is not trusted
        p = run("audit", "verify", "--digest", digest, "--public-key", "00" * 32, db=self.db, ok=(1,))
        self.assertIn("signed by another key", p.stdout)

    def test_progress_supervision_scorecard_and_exports(self):
        self.load_demo()
        prog = json.loads(run("progress", "--json", "--as-of", AS_OF, db=self.db).stdout)
        self.assertEqual(prog["as_of"], AS_OF)
        self.assertEqual(len(prog["items"]), 92)
        forest = next(t for t in prog["targets"] if t["id"] == "forest_coverage")
        self.assertEqual(set(forest["lenses"]), {"schedule", "unsd", "current"})
        self.assertEqual(forest["series"][-1]["provenance"]["reporter"], "forestry")
        statuses = {i["status"] for i in prog["items"]}
        self.assertTrue({"lagging", "on_schedule", "done"} <= statuses, statuses)
        explained = run("progress", "--target", "tourism_revenue", "--as-of", AS_OF, db=self.db).stdout
        self.assertIn("unsd: 需加快 (acceleration_needed)  [unsd-progress-chart-2023/v1]", explained)
        self.assertIn("CAGR_a=0.156821", explained)
        self.assertIn("thresholds: 最新值达到目标 → 已实现", explained)
        p = run("progress", "--target", "no_such_target", db=self.db, ok=(1,))
        self.assertIn("unknown target 'no_such_target'", p.stderr)
        table = run("progress", "--as-of", AS_OF, db=self.db).stdout
        self.assertIn("森林覆盖率", table)
        self.assertIn("主要内容（92）", table)

        sup = json.loads(run("supervision", "--json", "--as-of", AS_OF, db=self.db).stdout)
        kinds = {e["kind"] for e in sup}
        self.assertTrue({"lagging_target", "lagging_item", "missing_report"} <= kinds, kinds)

        score = json.loads(run("scorecard", "--json", "--as-of", AS_OF, db=self.db).stdout)
        weights = score["weights"]
        self.assertAlmostEqual(sum(weights.values()), 1.0)
        for row in score["departments"]:  # anyone can recompute the published score
            used = [k for k in weights if row["applicable"][k]]
            expect = 100 * sum(weights[k] * row["components"][k] for k in used) / sum(weights[k] for k in used)
            self.assertAlmostEqual(row["score"], expect, places=9)
        ranks = [r["rank"] for r in score["departments"]]
        self.assertEqual(ranks, sorted(ranks))

        xlsx = os.path.join(self.dir, "table.xlsx")
        run("export", "xlsx", "--out", xlsx, "--as-of", AS_OF, db=self.db)
        import openpyxl
        wb = openpyxl.load_workbook(xlsx)
        self.assertEqual(wb.sheetnames, ["重点任务清单", "目标", "督办", "审计摘要"])
        # the workbook carries a signed digest of the audit head that verifies against the database
        digest_json = [r[1] for r in wb["审计摘要"].iter_rows(values_only=True) if r[0] == "摘要 JSON"][0]
        digest = os.path.join(self.dir, "digest-from-xlsx.json")
        with open(digest, "w") as f:
            f.write(digest_json)
        key = run("audit", "public-key", db=self.db).stdout.strip()
        self.assertIn("extends the digest", run("audit", "verify", "--digest", digest, "--public-key", key, db=self.db).stdout)
        ws = wb["重点任务清单"]
        header = [c.value for c in ws[2]]
        self.assertEqual(header[:6], ["行动计划", "重点任务", "编号", "主要内容", "牵头部门", "责任部门"])
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        self.assertEqual(len(rows), 92)
        by_id = {r[2]: r for r in rows}
        self.assertEqual(rows[0][0], "生态保护治理样板提升行动")
        self.assertEqual(rows[0][1], "优化“新格局”")
        status_label = {"not_started": "未启动", "on_schedule": "按序时推进", "lagging": "滞后",
                        "overdue": "逾期", "done": "已完成", "closed": "已销号"}
        for item in prog["items"]:
            self.assertEqual(by_id[item["id"]][6], status_label[item["status"]], item["id"])
            self.assertAlmostEqual(by_id[item["id"]][7], item["percent"])
        merged = {str(r) for r in ws.merged_cells.ranges}
        self.assertIn("B8:B16", merged)  # 念好“山字经”: its nine items share one task cell
        self.assertEqual(wb["目标"].max_row, 71)
        self.assertEqual(wb["督办"].max_row, len(sup) + 1)

        csv_out = os.path.join(self.dir, "table.csv")
        run("export", "csv", "--out", csv_out, "--as-of", AS_OF, db=self.db)
        self.assertEqual(len(read(csv_out).strip().split("\n")), 93)
        json_out = os.path.join(self.dir, "table.json")
        run("export", "json", "--out", json_out, "--as-of", AS_OF, db=self.db)
        self.assertEqual(json.loads(read(json_out)), prog)

    def test_closure_needs_completion_evidence_and_the_office(self):
        self.load_demo()
        prog = json.loads(run("progress", "--json", "--as-of", AS_OF, db=self.db).stdout)
        done = next(i["id"] for i in prog["items"] if i["status"] == "done")
        lagging = next(i["id"] for i in prog["items"] if i["status"] == "lagging")
        p = run("item", "close", "--item", done, "--evidence", "巫山发改〔2026〕5号", "--approver", "县林业局",
                "--date", AS_OF, db=self.db, ok=(1,))
        self.assertIn("only the leading-group office (县发展改革委) approves 销号", p.stderr)
        p = run("item", "close", "--item", lagging, "--evidence", "x", "--approver", "县发展改革委",
                "--date", AS_OF, db=self.db, ok=(1,))
        self.assertIn("not done: close only completed items", p.stderr)
        run("item", "close", "--item", done, "--evidence", "巫山发改〔2026〕5号", "--approver", "县发改委",
            "--date", AS_OF, db=self.db)
        prog = json.loads(run("progress", "--json", "--as-of", AS_OF, db=self.db).stdout)
        item = next(i for i in prog["items"] if i["id"] == done)
        self.assertEqual(item["status"], "closed")
        self.assertEqual(item["closure"]["approved_by"], "ndrc")


class GeoCli(unittest.TestCase):
    """The one map: layers in every format, refused geometries and CRSs, GeoPackage out, screening."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="shanshui-geo-")
        self.db = os.path.join(self.dir, "g.db")
        run("plan", "import", PLAN, db=self.db)
        self.layers = os.path.join(self.dir, "layers")
        run("demo", "layers", "--out", self.layers, db=self.db)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def layer_list(self):
        return json.loads(run("layer", "list", "--json", db=self.db).stdout)

    def test_every_format_and_the_same_file_twice(self):
        towns = os.path.join(self.layers, "township.geojson")
        # a Shapefile with GBK attributes and no .cpg, as agencies send them; and a GeoPackage
        shp = os.path.join(self.dir, "towns.shp")
        subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING=CP936", shp, towns], check=True)
        if os.path.exists(shp[:-4] + ".cpg"):
            os.remove(shp[:-4] + ".cpg")
        with open(shp[:-4] + ".dbf", "rb") as f:
            self.assertIn("高唐街道".encode("gbk"), f.read())
        gpkg = os.path.join(self.dir, "towns.gpkg")
        subprocess.run(["ogr2ogr", "-f", "GPKG", gpkg, towns], check=True)
        for path, name in ((shp, "乡镇（Shapefile）"), (gpkg, "乡镇（GeoPackage）")):
            p = run("layer", "import", "--kind", "township", "--name", name, path, db=self.db)
            self.assertIn("26 features", p.stdout)
        by_name = {l["name"]: l for l in self.layer_list()}
        self.assertEqual(by_name["乡镇（Shapefile）"]["features"], 26)
        con = sqlite3.connect(self.db)
        names = {r[0] for r in con.execute(
            "SELECT f.name FROM geo_features f JOIN geo_layers l ON l.id = f.layer_id WHERE l.name = '乡镇（Shapefile）'")}
        con.close()
        self.assertIn("高唐街道", names)  # GBK read back as UTF-8
        # the same file under the same name is the version already stored
        run("layer", "import", "--kind", "township", "--name", "乡镇（GeoPackage）", gpkg, db=self.db)
        self.assertEqual(sum(l["name"] == "乡镇（GeoPackage）" for l in self.layer_list()), 1)

    def test_bad_geometries_and_crss_are_refused_with_where_and_why(self):
        bowtie = self.write("bowtie.geojson", {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": "b1"}, "geometry": {"type": "Polygon", "coordinates": [
                [[109.80, 31.10], [109.82, 31.12], [109.82, 31.10], [109.80, 31.12], [109.80, 31.10]]]}}]})
        before = dump(self.db)
        p = run("layer", "import", "--kind", "ecological_red_line", bowtie, db=self.db, ok=(1,))
        self.assertIn("Self-intersection at 109.81, 31.11", p.stderr)
        self.assertIn("--repair", p.stderr)
        self.assertEqual(dump(self.db), before)  # nothing stored
        p = run("layer", "import", "--kind", "ecological_red_line", "--repair", bowtie, db=self.db)
        self.assertIn("(repaired)", p.stderr)
        # Gauss–Krüger metres in a GeoJSON file (which means lon/lat)
        gk = self.write("gk.geojson", {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
                [[37412000, 3441000], [37413000, 3441000], [37413000, 3442000], [37412000, 3441000]]]}}]})
        p = run("layer", "import", "--kind", "park", gk, db=self.db, ok=(1,))
        self.assertIn("the file's CRS is wrong", p.stderr)
        # …but as a Shapefile with its CRS said (EPSG:4525, zone 37 with prefix) it is read and reprojected
        shp = os.path.join(self.dir, "gk.shp")
        subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-a_srs", "EPSG:4525", shp, gk], check=True)
        os.remove(shp[:-4] + ".prj")
        p = run("layer", "import", "--kind", "park", shp, db=self.db, ok=(1,))
        self.assertIn("no CRS", p.stderr)
        run("layer", "import", "--kind", "park", "--crs", "EPSG:4525", shp, db=self.db)
        p = run("layer", "import", "--kind", "no_such_kind", bowtie, db=self.db, ok=(1,))
        self.assertIn("unknown layer kind", p.stderr)

    def test_geopackage_out_and_the_database_itself_open_in_gdal(self):
        out = os.path.join(self.dir, "map.gpkg")
        run("layer", "export", "--out", out, db=self.db)
        info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", out], capture_output=True, text=True, check=True).stdout
        self.assertIn("township_1", info)
        self.assertIn("Feature Count: 26", info)
        # the working database is a GeoPackage too: GDAL (and so QGIS) reads the one map's features from it
        # when told the driver (its schema version, not GeoPackage's, is in user_version)
        info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", "GPKG:" + self.db], capture_output=True, text=True)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn("geo_features", info.stdout)
        self.assertIn("CGCS2000", info.stdout + info.stderr)

    def test_screening_prints_overlaps_clauses_and_a_verdict(self):
        site = self.write("site.geojson", {"type": "Polygon", "coordinates": [
            [[109.770, 31.052], [109.773, 31.052], [109.773, 31.054], [109.770, 31.054], [109.770, 31.052]]]})
        p = run("screen", "--project", site, "--industry", "C2614", db=self.db)
        self.assertIn("研判结论：不符合", p.stdout)
        self.assertIn("长江干流岸线一公里范围内的化工项目", p.stdout)
        self.assertIn("ZH50023730002", p.stdout)
        self.assertIn("《长江保护法》第二十六条", p.stdout)
        p = run("screen", "--project", site, "--industry", "Z1234", db=self.db, ok=(1,))
        self.assertIn("GB/T 4754", p.stderr)

    def test_the_protected_area_share_is_computed_from_the_layers(self):
        v = json.loads(run("coverage", "--record", "--year", "2026", "--json", db=self.db).stdout)
        self.assertEqual(sorted((x["indicator"], x["method"], x["role"]) for x in v), [
            ("forest_coverage", "geo.forest_share", "check"),  # beside the forest survey's official figure
            ("park_5min_coverage", "geo.park_5min_coverage", "measure"),
            ("park_5min_coverage", "geo.park_5min_network", "check"),  # the demo has a walking network
            ("protected_area_share", "geo.protected_area_share", "measure")])
        share = next(x for x in v if x["indicator"] == "protected_area_share")
        park = next(x for x in v if x["method"] == "geo.park_5min_coverage")
        walk = next(x for x in v if x["method"] == "geo.park_5min_network")
        forest = next(x for x in v if x["method"] == "geo.forest_share")
        self.assertTrue(0 < float(park["value"]) < 100, park)  # some blocks of the demo seat are beyond 300 m
        # along the streets and stairways fewer homes are within 300 m than as the crow flies
        self.assertLess(float(walk["value"]), float(park["value"]))
        self.assertTrue(55 < float(forest["value"]) < 75, forest)
        self.assertEqual(share["townships"], 26)  # every township has its share for the choropleth
        self.assertEqual(park["townships"], 2)    # the seat's residential land lies in two townships
        self.assertEqual((share["indicator"], share["period"]), ("protected_area_share", "2026"))
        self.assertRegex(share["value"], r"^\d+\.\d$")  # percent, one decimal (GB/T 8170)
        self.assertTrue(40 < float(share["value"]) < 50, share)
        self.assertAlmostEqual(share["whole_km2"], 2958, delta=30)  # the county, ≈2,958 km² (reference)
        self.assertGreater(share["run"], 0)
        # the same layers again: nothing new is recorded
        again = json.loads(run("coverage", "--record", "--year", "2026", "--json", db=self.db).stdout)
        self.assertEqual([x["run"] for x in again], [0, 0, 0, 0])
        # the target now has a computed value whose provenance names the layers
        con = sqlite3.connect(self.db)
        row = con.execute("SELECT kind, method, source FROM measurements WHERE indicator = 'protected_area_share' "
                          "AND period = '2026'").fetchone()
        run_row = con.execute("SELECT method, input_sha256, completeness FROM assessment_runs "
                              "WHERE indicator = 'protected_area_share'").fetchone()
        # a cross-check is a run of its own, never the target's measurement (the survey's value stays)
        checks = con.execute("SELECT COUNT(*) FROM assessment_runs WHERE method = 'geo.forest_share'").fetchone()[0]
        as_value = con.execute("SELECT COUNT(*) FROM measurements WHERE method = 'geo.forest_share'").fetchone()[0]
        con.close()
        self.assertEqual((checks, as_value), (1, 0))
        self.assertEqual(row[:2], ("computed", "geo.protected_area_share"))
        self.assertIn("inputs sha256:", row[2])
        self.assertIn("自然保护地", run_row[2])
        self.assertEqual(len(run_row[1]), 64)
        p = run("progress", "--target", "protected_area_share", "--as-of", "2026-12-01", db=self.db)
        self.assertIn(share["value"], p.stdout)

    def test_a_land_class_nobody_decided_on_is_refused_by_name(self):
        cover = self.write("cover.geojson", {"type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"id": "p1", "DLBM": "0399", "DLMC": "未知林地"},
            "geometry": {"type": "Polygon", "coordinates": [
                [[109.80, 31.10], [109.81, 31.10], [109.81, 31.11], [109.80, 31.11], [109.80, 31.10]]]}}]})
        run("layer", "import", "--kind", "land_cover", "--name", "三调地类", cover, db=self.db)
        p = run("coverage", "--year", "2026", db=self.db, ok=(1,))
        self.assertIn("feature p1: land class '0399' is not in land-cover-classes.csv", p.stderr)

    def test_the_ecosystem_account_from_demo_rasters(self):
        rasters = os.path.join(self.dir, "rasters")
        run("demo", "rasters", "--out", rasters, "--cell", "300", "--years", "2025", "2026", db=self.db)
        info = json.loads(run("raster", "info", "--json", os.path.join(rasters, "dem.tif"),
                              os.path.join(rasters, "2026", "land_cover.tif"), db=self.db).stdout)
        self.assertEqual([(i["epsg"], i["type"], i["unit"]) for i in info], [(4546, "Float32", "m"), (4546, "Byte", "")])
        doc = json.loads(run("gep", "run", "--rasters", rasters, "--year", "2025", "--year", "2026", "--record", "--json",
                             db=self.db).stdout)
        self.assertEqual([d["year"] for d in doc], [2025, 2026])
        y = doc[1]
        self.assertAlmostEqual(sum(l["value_yuan"] for l in y["lines"]), y["gep_yuan"], delta=len(y["lines"]))
        self.assertEqual(set(y["categories"]), {"provisioning", "regulating", "cultural"})
        self.assertEqual(len(y["townships"]), 26)  # GEP per township (the raster services)
        for t in y["townships"]:  # and per service within each township, adding up to it
            self.assertEqual(set(t["services_yuan"]), {"water_conservation", "soil_retention", "carbon", "oxygen", "climate"})
            self.assertAlmostEqual(sum(t["services_yuan"].values()), t["raster_value_yuan"], delta=5)
        self.assertIn(y["both_grow"], ("yes", "no"))
        self.assertEqual(doc[0]["both_grow"], "")  # 2024 was not computed
        self.assertTrue(all(len(i["sha256"]) == 64 for i in y["inputs"]))
        # the GEP targets now have computed values; 水土保持率 has its cross-check run
        con = sqlite3.connect(self.db)
        got = con.execute("SELECT indicator, kind, method FROM measurements WHERE period = '2026' AND indicator "
                          "IN ('gep_gdp_ratio', 'gep_gdp_both_grow') ORDER BY indicator").fetchall()
        check = con.execute("SELECT value FROM assessment_runs WHERE method = 'eco.soil_conservation_rate' "
                            "AND period = '2026'").fetchone()
        con.close()
        self.assertEqual(got, [("gep_gdp_both_grow", "computed", "gep.both_grow"),
                               ("gep_gdp_ratio", "computed", "gep.gdp_ratio")])
        self.assertEqual(check[0], y["soil_conservation_rate"])
        # the same inputs again record nothing new
        again = json.loads(run("gep", "run", "--rasters", rasters, "--year", "2025", "--year", "2026", "--record",
                               "--json", db=self.db).stdout)
        self.assertTrue(all(r == 0 for d in again for r in d["runs"]))
        # zonal statistics per township
        z = json.loads(run("raster", "zonal", "--raster", os.path.join(rasters, "dem.tif"), "--json", db=self.db).stdout)
        self.assertEqual(len(z), 26)
        self.assertTrue(all(t["cells"] > 0 for t in z))
        # a missing raster is named
        p = run("gep", "run", "--rasters", os.path.join(self.dir, "nowhere"), "--year", "2026", db=self.db, ok=(1,))
        self.assertIn("nowhere/2026/land_cover.tif", p.stderr)

    def test_the_account_across_two_mpi_ranks_is_the_same_to_the_bit(self):
        rasters = os.path.join(self.dir, "rasters")
        run("demo", "rasters", "--out", rasters, "--cell", "300", "--years", "2025", "2026", db=self.db)
        # 64-cell tiles: the 209 × 272 grid is 20 tiles, so both ranks have work
        args = ["--rasters", rasters, "--year", "2025", "--year", "2026", "--tile", "64", "--json"]
        one = json.loads(run("gep", "run", "--threads", "1", *args, db=self.db).stdout)
        mpi = os.path.abspath(os.path.join(os.path.dirname(BIN), "shanshui-gep-mpi"))
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                   OMPI_MCA_btl_vader_single_copy_mechanism="none")  # containers forbid cross-memory attach
        cmd = ["mpirun", "-np", "2", "--oversubscribe", mpi, "--threads", "1", "--record", *args, "--db", self.db]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        self.assertIn("2026: 20 tiles; rank 0 summed 10, rank 1 summed 10", p.stderr)
        two = json.loads(p.stdout)
        self.assertEqual([d["year"] for d in two], [2025, 2026])
        for a, b in zip(one, two):
            self.assertEqual(len(a["fingerprint"]), 64)
            self.assertEqual(a["fingerprint"], b["fingerprint"], a["year"])  # every number, bit for bit
            self.assertEqual(a["gep_yuan"], b["gep_yuan"])
        self.assertTrue(all(r > 0 for d in two for r in d["runs"]))  # rank 0 recorded the values
        # Another tiling sums in another order: the same account to rounding, not to the bit.
        default = json.loads(run("gep", "run", "--rasters", rasters, "--year", "2026", "--json", db=self.db).stdout)[0]
        self.assertAlmostEqual(default["gep_yuan"], two[1]["gep_yuan"], delta=2)
        # A node that does not see the rasters (the shared folder not mounted there): rank 1 starts
        # in a folder where the relative path leads nowhere. The run fails naming the rank and the
        # file, and every rank ends.
        elsewhere = os.path.join(self.dir, "elsewhere")
        os.makedirs(elsewhere)
        rel = ["--rasters", "rasters", "--year", "2026", "--tile", "64", "--db", os.path.abspath(self.db)]
        p = subprocess.run(["mpirun", "--oversubscribe", "-np", "1", "-wdir", self.dir, mpi, *rel,
                            ":", "-np", "1", "-wdir", elsewhere, mpi, *rel],
                           capture_output=True, text=True, timeout=300, env=env)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(f"rank 1: rasters/2026/land_cover.tif: no such file (looked in {os.path.realpath(elsewhere)})", p.stderr)
        # a missing raster is named, and every rank ends (the workers are told to stop, none hangs)
        os.remove(os.path.join(rasters, "2026", "npp.tif"))
        p = subprocess.run(["mpirun", "-np", "2", "--oversubscribe", mpi, "--rasters", rasters, "--year", "2026",
                            "--db", self.db], capture_output=True, text=True, timeout=300, env=env)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("2026/npp.tif", p.stderr)

    def write(self, name, doc):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        return path


class LineageCli(unittest.TestCase):
    """Live evaluation, lineage and its export, recomputed by a third party (this test), and
    tampering named by audit verify."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="shanshui-lcli-")
        self.db = os.path.join(self.dir, "t.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_a_value_so_far_is_recomputable_from_its_export_and_tampering_is_named(self):
        import csv, hashlib
        from decimal import Decimal, ROUND_HALF_EVEN
        run("plan", "import", PLAN, db=self.db)
        run("station", "import", os.path.join(ROOT, "data/demo/stations.csv"), db=self.db)
        # ten days of hourly values for the three air stations, as an observation file
        air = ["WS500237A0001", "WS500237A0002", "WS500237A0003"]
        factors = {"a21026": 8, "a21004": 25, "a34002": 50, "a21005": None, "a05024": 60, "a34004": 30}
        obs = os.path.join(self.dir, "obs.csv")
        with open(obs, "w") as f:
            f.write("mn,factor,time,value,kind,flag,unit\n")
            for k, mn in enumerate(air):
                for day in range(1, 11):
                    for hour in range(24):
                        for fac, base in factors.items():
                            v = f"0.{6 + (day + hour) % 3}" if base is None else str(base + (day * 5 + hour * 3 + k * 7) % 23)
                            f.write(f"{mn},{fac},2026-01-{day:02d} {hour:02d}:00:00,{v},Avg,N,{'mg/m3' if base is None else 'ug/m3'}\n")
        run("obs", "import", obs, db=self.db)
        first = json.loads(run("evaluate", "--today", "2026-01-11", "--json", db=self.db).stdout)
        self.assertEqual(first["runs_recorded"], 1)
        self.assertEqual(first["station_days"], 30)
        # idempotent: a second pass (a new process) records nothing
        self.assertEqual(json.loads(run("evaluate", "--today", "2026-01-11", "--json", db=self.db).stdout)["runs_recorded"], 0)
        doc = json.loads(run("lineage", "--indicator", "pm25_annual", "--period", "2026-YTD", db=self.db).stdout)
        value = doc["values"][-1]
        self.assertEqual(value["kind"], "computed")
        self.assertEqual(value["run"]["completeness"], "10/10")
        out = os.path.join(self.dir, "export")
        run("lineage", "--indicator", "pm25_annual", "--period", "2026-YTD", "--export", out, db=self.db)
        # A third party recomputes the input hash and the value from the export alone.
        rows = list(csv.DictReader(open(os.path.join(out, "observations.csv"))))
        self.assertEqual(len(rows), 3 * 10 * 24 * 6)
        days = {}
        for r in rows:
            days.setdefault((r["mn"], r["data_time"][:10]), []).append(r)
        h = hashlib.sha256()
        for (mn, day) in sorted(days):
            lines = sorted(days[(mn, day)], key=lambda r: (r["data_time"], r["factor"], r["kind"], r["cn"]))
            text = "".join("\t".join(r[k] for k in ("mn", "factor", "cn", "data_time", "kind", "value", "flag", "unit")) + "\n"
                           for r in lines)
            h.update(f"{mn}\t{day}\t{hashlib.sha256(text.encode()).hexdigest()}\n".encode())
        self.assertEqual(h.hexdigest(), value["run"]["input_sha256"])
        half = lambda x: int(Decimal(x).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
        station_day = {k: half(Decimal(sum(int(r["value"]) for r in v if r["factor"] == "a34004")) / 24) for k, v in days.items()}
        county = [half(Decimal(sum(station_day[(mn, d)] for mn in air)) / 3) for d in sorted({d for _, d in days})]
        self.assertEqual(value["value"], str(half(Decimal(sum(county)) / len(county))))
        # every frame (here: each imported row) hashes to its recorded SHA-256 and carries its value
        frames = {r["id"]: r for r in csv.DictReader(open(os.path.join(out, "frames.csv"), newline=""))}
        for r in rows[:200]:
            f = frames[r["raw_id"]]
            self.assertEqual(hashlib.sha256(f["bytes"].encode()).hexdigest(), f["sha256"])
            self.assertIn(f"{r['mn']},{r['factor']},", f["bytes"])
        # the run, a station's days and one day's hours, step by step
        run_id = str(value["run"]["id"])
        days_doc = json.loads(run("lineage", "--run", run_id, "--station", air[0], db=self.db).stdout)
        self.assertEqual(len(days_doc["days"]), 10)
        self.assertTrue(all(d["daily"]["valid"] for d in days_doc["days"]))
        hours = json.loads(run("lineage", "--run", run_id, "--station", air[0], "--day", "2026-01-05", db=self.db).stdout)
        self.assertEqual(len(hours["observations"]), 144)
        frame = json.loads(run("lineage", "--frame", str(hours["observations"][0]["raw_id"]), db=self.db).stdout)
        self.assertEqual(frame["sha256"], frame["sha256_recomputed"])
        self.assertIsNone(frame["crc"])  # an imported row, not an HJ 212 frame
        # the untouched database verifies; a value edited behind the software's back is named
        self.assertIn("data intact", run("audit", "verify", db=self.db).stdout)
        with sqlite3.connect(self.db) as con:
            oid = con.execute("SELECT id FROM observations WHERE factor = 'a34004' ORDER BY id LIMIT 1 OFFSET 7").fetchone()[0]
            con.execute("UPDATE observations SET value = '9' WHERE id = ?", (oid,))
        p = run("audit", "verify", db=self.db, ok=(1,))
        self.assertIn(f"observations row {oid} (WS500237A0001 a34004) was changed after audit entry", p.stdout)


class QualityCli(unittest.TestCase):
    """The quality calculators and assessments through the real binary (docs/contracts.md shapes)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="shanshui-qcli-")
        self.db = os.path.join(self.dir, "t.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_aqi_contract(self):
        out = json.loads(run("aqi", "--standard", "2012", "--daily", "so2=12", "no2=38", "pm10=96", "co=1.1", "o3=170",
                             "o3_8h=150", "pm25=72", "--json").stdout)
        self.assertEqual(out["aqi"], 97)
        self.assertEqual(out["level"], "II")
        self.assertEqual(out["category"], "良")
        self.assertEqual(out["primary"], ["PM2.5"])
        self.assertEqual(out["exceeding"], [])
        self.assertEqual(out["iaqi"], {"so2": 12, "no2": 48, "pm10": 73, "co": 28, "o3": 63, "o3_8h": 92, "pm25": 97})
        na = json.loads(run("aqi", "--standard", "2026", "--daily", "pm25=50", "--json").stdout)
        self.assertIsNone(na["aqi"])
        self.assertIsNone(na["level"])
        self.assertEqual(na["iaqi"]["pm25"], 80)
        self.assertIsNone(na["iaqi"]["o3"])
        by_date = json.loads(run("aqi", "--date", "2026-02-28", "--daily", "pm25=75", "--json").stdout)
        self.assertEqual(by_date["standard"], "HJ 633—2012")
        self.assertEqual(by_date["aqi"], 100)
        for bad, msg in ((["pm25=-1"], "negative concentration"), (["pm25=abc"], "not a number"),
                         (["xyz=1"], "unknown pollutant 'xyz'"), (["pm25"], "expected key=value")):
            p = run("aqi", "--daily", *bad, ok=(1,))
            self.assertIn(msg, p.stderr)

    def test_water_and_noise_contracts(self):
        w = json.loads(run("water", "class", "--target", "II", "do=6.5", "codmn=3.1", "nh3n=0.4", "tp=0.16", "--json").stdout)
        self.assertEqual(w["class"], "III")
        self.assertEqual(w["items"]["do"], "II")
        self.assertEqual(w["main_pollutants"], [{"item": "tp", "class": "III", "exceedance": 0.6}])
        lake = json.loads(run("water", "class", "--waterbody", "lake", "tp=0.05", "--json").stdout)
        self.assertEqual(lake["class"], "III")
        p = run("water", "class", "zz=1", ok=(1,))
        self.assertIn("unknown item 'zz'", p.stderr)
        n = json.loads(run("noise", "grade", "--kind", "regional", "--period", "day", "50.0", "--json").stdout)
        self.assertEqual(n, {"grade": 1, "label": "好", "kind": "regional", "period": "day", "value": 50.0})

    def test_assessments_feed_the_plan_targets(self):
        run("plan", "import", PLAN, db=self.db)
        air = os.path.join(self.dir, "air.csv")
        run("demo", "air", "--out", air, "--from", "2023-01-01", "--to", "2024-12-31")
        doc = json.loads(run("air", "assess", "--input", air, "--record", "--json", db=self.db).stdout)
        self.assertEqual([c["year"] for c in doc["county_by_year"]], [2023, 2024])
        station = doc["stations"][0]
        for key in ("station", "valid_days", "good_days", "good_days_ratio", "pm25_annual", "pm10_annual", "so2_annual",
                    "no2_annual", "co_p95", "o3_8h_p90", "composite_index"):
            self.assertIn(key, station)
        self.assertTrue(any("flag M: maintenance" in e["reason"] for e in doc["excluded"]))
        ratio_2024 = doc["county_by_year"][1]["good_days_ratio"]
        target = json.loads(run("progress", "--json", "--as-of", AS_OF, db=self.db).stdout)
        gd = next(t for t in target["targets"] if t["id"] == "good_days_ratio")
        self.assertEqual(gd["series"][-1]["year"], 2024)
        self.assertEqual(float(gd["series"][-1]["value"]), ratio_2024)
        prov = gd["series"][-1]["provenance"]
        self.assertEqual(prov["kind"], "computed")
        self.assertEqual(prov["method"], "air.good_days_ratio")
        self.assertIn("sha256:", prov["source"])
        explained = run("progress", "--target", "pm25_annual", "--as-of", AS_OF, db=self.db).stdout
        self.assertIn("computed air.pm25_annual", explained)
        run("water", "assess", "--input", os.path.join(ROOT, "data/demo/water.csv"), "--sections",
            os.path.join(ROOT, "data/demo/water-sections.csv"), "--record", db=self.db)
        run("noise", "assess", "--input", os.path.join(ROOT, "data/demo/noise.csv"), "--record", db=self.db)
        prog = json.loads(run("progress", "--json", "--as-of", AS_OF, db=self.db).stdout)
        by_id = {t["id"]: t for t in prog["targets"]}
        self.assertEqual(by_id["yangtze_class"]["series"][-1]["value"], "II")
        self.assertEqual(by_id["regional_noise"]["series"][-1]["provenance"]["method"], "noise.regional_average")
        self.assertEqual(by_id["drinking_water_compliance"]["lenses"]["current"]["rating"], "achieved")

    def test_malformed_air_rows_are_named(self):
        bad = os.path.join(self.dir, "bad.csv")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("station,time,so2,no2,pm10,co,o3,pm25\nA,2024-01-01 00:00:00,1,2,3,0.4,5,-6\n")
        p = run("air", "assess", "--input", bad, ok=(1,))
        self.assertIn(f"{bad}:2: pm25: negative concentration -6", p.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
