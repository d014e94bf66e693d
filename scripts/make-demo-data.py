#!/usr/bin/env python3
"""make-demo-data: writes data/demo/measurements.csv and reports.csv for the Wushan plan.

Reproducible (no randomness beyond a hash of each id). The values are demo approximations in the
ranges ../shared/reference/wushan.md gives (marked APPROX there), not the county's statistics.
Re-run after editing the plan: python3 scripts/make-demo-data.py
"""
import csv, hashlib, pathlib, yaml

root = pathlib.Path(__file__).resolve().parent.parent
plan = yaml.safe_load((root / "data/plans/wushan-2023-2027.yaml").read_text(encoding="utf-8"))
targets = {t.get("indicator", t["id"]): t for t in plan["targets"]}

# indicator -> {year: value}; years 2022–2025 (2026's annual figures are not out by Nov 2026).
# The air indicators (good-days ratio, PM2.5, PM10) are not here: scripts/run computes them from
# hourly monitoring data with `shanshui air assess --record`.
series = {
    "forest_coverage": {2023: "63.6", 2024: "64.1", 2025: "64.5"},
    "yangtze_class": {2023: "II", 2024: "II", 2025: "II"},
    "yangtze_outbound_not_worse": {2023: "yes", 2024: "yes", 2025: "yes"},
    "drinking_water_compliance": {2023: "100", 2024: "100", 2025: "100"},
    "regional_noise": {2022: "54.2", 2023: "53.9", 2024: "53.6", 2025: "53.4"},
    "traffic_noise": {2022: "66.8", 2023: "66.5", 2024: "66.1", 2025: "65.9"},
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
                        f"demo: {m['by']} {year}年度统计（APPROX, wushan.md）", m["by"], "demo value"])


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
