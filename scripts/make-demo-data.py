#!/usr/bin/env python3
"""make-demo-data: writes data/demo/measurements.csv and reports.csv for the Wushan plan.

Reproducible (no randomness beyond a hash of each id). The values are demo approximations in the
ranges docs/reference/wushan.md gives (marked APPROX there), not the county's statistics.
Re-run after editing the plan: python3 scripts/make-demo-data.py
"""
import csv, hashlib, pathlib, yaml

root = pathlib.Path(__file__).resolve().parent.parent
plan = yaml.safe_load((root / "data/plans/wushan-2023-2027.yaml").read_text(encoding="utf-8"))
targets = {t.get("indicator", t["id"]): t for t in plan["targets"]}

# indicator -> {year: value}; years 2022–2025 (2026's annual figures are not out by Nov 2026).
# The air, water and noise indicators are not here: scripts/run computes them from monitoring
# data (`shanshui air|water|noise assess --record`); the water and noise samples are written below.
series = {
    "forest_coverage": {2023: "63.6", 2024: "64.1", 2025: "64.5"},
    "tourism_revenue": {2022: "95", 2023: "136", 2024: "158", 2025: "182"},
    "agri_chain_output": {2022: "98", 2023: "108", 2024: "117", 2025: "126"},
    "eco_industry_cluster": {2022: "52", 2023: "60", 2024: "66", 2025: "71"},
    "soil_water_conservation": {2022: "62.8", 2023: "63.2", 2024: "63.7", 2025: "64.0"},
    "afforestation": {2023: "11", 2024: "22", 2025: "31"},
    "green_belt_upgrade": {2023: "4.1", 2024: "8.5", 2025: "12.0"},
    "clean_energy_capacity": {2022: "38", 2023: "52", 2024: "71", 2025: "88"},
    "base_stations_5g": {2022: "520", 2023: "640", 2024: "760", 2025: "870"},
    "rural_sewage_treatment": {2022: "76", 2023: "79", 2024: "81", 2025: "82"},
    "park_green_per_capita": {2022: "12.1", 2023: "12.6", 2024: "13.0", 2025: "13.4"},
    "protected_area_share": {2022: "44.8", 2023: "45.1", 2024: "45.4", 2025: "45.6"},
    "energy_intensity_reduction": {2023: "3.1", 2024: "6.0", 2025: "8.7"},
    "grain_output": {2022: "20.4", 2023: "20.6", 2024: "20.8", 2025: "20.95"},
    "farmland_safe_use": {2022: "92", 2023: "93", 2024: "94", 2025: "94.5"},
    "fertilizer_pesticide_use_rate": {2022: "40.5", 2023: "41.2", 2024: "41.8", 2025: "42.3"},
    "manure_facilities": {2023: "28", 2024: "55", 2025: "79"},
    "built_up_area": {2022: "17.5", 2023: "18.6", 2024: "19.8", 2025: "21.0"},
    "construction_land_scale": {2022: "121", 2023: "122.4", 2024: "123.5", 2025: "124.3"},
    "forest_fire_damage_rate": {2022: "0.05", 2023: "0.04", 2024: "0.06", 2025: "0.03"},
    "zero_waste_city": {2024: "no", 2025: "no"},
    "sanitary_toilets": {2022: "86", 2023: "90", 2024: "93", 2025: "95"},
}

with open(root / "data/demo/measurements.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["indicator", "period", "value", "kind", "method", "method_version", "source", "reporter", "note"])
    for ind, years in series.items():
        t = targets[ind]
        m = t["measure"]
        for year, value in sorted(years.items()):
            w.writerow([ind, year, value, "reported", m["method"], m.get("version", ""),
                        f"演示数据：{m['by']} {year}年度统计（近似值，据项目参考资料《巫山县概况》）", m["by"], "演示数据"])


def h(s):
    return int(hashlib.sha256(s.encode()).hexdigest()[:8], 16)


quarters = [(y, q) for y in range(2023, 2027) for q in range(1, 5) if (y, q) <= (2026, 3)]
with open(root / "data/demo/reports.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["item", "period", "status", "percent", "narrative", "evidence", "reporter", "reported_at"])
    for action in plan["actions"]:
        for task in action["tasks"]:
            lead = task["lead"][0] if isinstance(task["lead"], list) else task["lead"]
            for item in task["items"]:
                iid = item["id"]
                k = h(iid)
                pace = [0.55, 0.8, 1.0, 1.05, 1.15, 1.4][k % 6]  # some items lag, most keep pace
                last = len(quarters) - (1 if k % 9 == 0 else 0)   # a few skip the latest return
                for n, (y, q) in enumerate(quarters[:last], start=1):
                    pct = min(100, round(100 * n / 20 * pace))
                    status = "done" if pct >= 100 else ("in_progress" if pct > 0 else "not_started")
                    evidence = f"巫山{lead[1:3]}〔{y}〕{10 + k % 80}号" if status == "done" else (f"季度台账 {y}Q{q}" if q == 4 else "")
                    narrative = "已全面完成" if status == "done" else f"{y}年第{q}季度推进，累计完成约{pct}%"
                    month = q * 3 + 1
                    ry, rm = (y + 1, 1) if month > 12 else (y, month)
                    day = 3 + (k + n) % 12 if k % 7 else 15 + (k + n) % 10  # a few file late
                    w.writerow([iid, f"{y}-Q{q}", status, pct, narrative, evidence, lead, f"{ry:04d}-{rm:02d}-{day:02d} 09:30:00"])


def unit(*key):
    """A reproducible number in [0, 1) from a key."""
    return h("/".join(str(k) for k in key)) / 0xFFFFFFFF


# Water sections (docs/reference/wushan.md §3.4–3.5: suggested demo set; positions and names synthetic where the
# reference says so) and monthly samples 2021–2025.
sections = [
    # section, river, waterbody, role, target, cleanliness (1 = cleanest)
    ("大溪入境", "长江", "river", "inbound", "II", 1.0),
    ("培石", "长江", "river", "outbound", "II", 1.0),
    ("大宁河-大昌", "大宁河", "river", "control", "II", 1.05),
    ("大宁河-龙门峡", "大宁河", "river", "control", "II", 1.1),
    ("抱龙河口", "抱龙河", "river", "control", "III", 1.35),
    ("神女溪口", "神女溪", "river", "control", "II", 1.0),
    ("三溪河口", "三溪河", "river", "control", "III", 1.4),
    ("大溪河口", "大溪河", "river", "control", "III", 1.45),
    ("县城水源地", "大宁河", "river", "drinking", "III", 1.0),
    ("大昌水源地", "大宁河", "river", "drinking", "III", 1.1),
]
with open(root / "data/demo/water-sections.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["section", "river", "waterbody", "role", "target", "main"])
    for name, river, body, role, target, _ in sections:
        main = "yes" if river in ("长江", "大宁河") and role != "drinking" else "no"
        w.writerow([name, river, body, role, target, main])
with open(root / "data/demo/water.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["section", "time", "ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "cu", "zn", "f", "as", "hg",
                "cd", "cr6", "pb", "cn", "phenol", "oil", "fe", "mn"])
    for name, river, body, role, target, dirt in sections:
        for y in range(2021, 2026):
            for m in range(1, 13):
                u = lambda k: unit(name, y, m, k)
                summer = 1 + 0.25 * (1 if m in (6, 7, 8) else 0)
                row = [name, f"{y}-{m:02d}-{10 + int(u('d') * 8):02d}",
                       f"{7.4 + 0.8 * u('ph'):.2f}", f"{(8.6 - 1.2 * summer * u('do')) / dirt:.1f}",
                       f"{1.6 * dirt * summer * (0.8 + 0.5 * u('mn')):.1f}", f"{9 * dirt * (0.8 + 0.4 * u('cod')):.1f}",
                       f"{1.4 * dirt * (0.8 + 0.5 * u('bod')):.1f}", f"{0.16 * dirt * (0.6 + 0.8 * u('n')):.3f}",
                       f"{0.045 * dirt * summer * (0.6 + 0.8 * u('p')):.3f}", "0.002", "0.010", f"{0.18 + 0.1 * u('f'):.3f}",
                       "0.0011", "0.00002", "0.0003", "0.004", "0.002", "0.002", "0.0010", "0.01",
                       f"{0.05 + 0.06 * u('fe'):.3f}" if role == "drinking" else "",
                       f"{0.01 + 0.02 * u('mnn'):.3f}" if role == "drinking" else ""]
                w.writerow(row)

# Noise: regional grid points (HJ 640 regional), road-traffic points with their road lengths, and
# functional-zone points, day and night, 2022–2025; values in the ranges of docs/reference/wushan.md §5.
with open(root / "data/demo/noise.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["point", "year", "kind", "period", "leq", "length_km", "zone"])
    for y in range(2022, 2026):
        trend = -0.3 * (y - 2022)
        for i in range(1, 31):
            w.writerow([f"R{i:02d}", y, "regional", "day", f"{53.8 + trend + 3.2 * (unit('R', i, y) - 0.5):.1f}", "", ""])
            w.writerow([f"R{i:02d}", y, "regional", "night", f"{44.0 + trend + 3.0 * (unit('Rn', i, y) - 0.5):.1f}", "", ""])
        for i in range(1, 13):
            length = 0.6 + 2.2 * unit("L", i)
            w.writerow([f"T{i:02d}", y, "traffic", "day", f"{66.6 + trend + 3.4 * (unit('T', i, y) - 0.5):.1f}", f"{length:.2f}", ""])
            w.writerow([f"T{i:02d}", y, "traffic", "night", f"{57.5 + trend + 3.0 * (unit('Tn', i, y) - 0.5):.1f}", f"{length:.2f}", ""])
        for zone, day, night in (("1", 53.5, 44.0), ("2", 57.0, 47.5), ("3", 61.0, 51.0), ("4a", 66.5, 54.5)):
            for q in range(1, 5):
                w.writerow([f"Z{zone}-{q}", y, "zone", "day", f"{day + trend + 4 * (unit('Zd', zone, q, y) - 0.5):.1f}", "", zone])
                w.writerow([f"Z{zone}-{q}", y, "zone", "night", f"{night + trend + 4 * (unit('Zn', zone, q, y) - 0.5):.1f}", "", zone])
