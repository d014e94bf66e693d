#!/usr/bin/python3
"""air_assess_pandas: a straightforward pandas implementation of the same air assessment rules
`shanshui air assess` applies (HJ 633—2012 daily AQI, GB 3095 validity, HJ 663 annual items), the
way an analyst would write it. The benchmark runs both on the same file, side by side.

Usage: air_assess_pandas.py HOURLY.csv OUT.json
"""
import json
import math
import sys

import numpy as np
import pandas as pd

IAQI = [0, 50, 100, 150, 200, 300, 400, 500]
BP = {  # HJ 633—2012 Table 1, daily columns
    "so2": [0, 50, 150, 475, 800, 1600, 2100, 2620],
    "no2": [0, 40, 80, 180, 280, 565, 750, 940],
    "pm10": [0, 50, 150, 250, 350, 420, 500, 600],
    "co": [0, 2, 4, 14, 24, 36, 48, 60],
    "o3": [0, 160, 200, 300, 400, 800, 1000, 1200],
    "o3_8h": [0, 100, 160, 215, 265, 800],
    "pm25": [0, 35, 75, 115, 150, 250, 350, 500],
}


def round_half_even(x, decimals=0):
    return np.round(x, decimals)  # numpy rounds half to even


def iaqi(series, bp):
    out = pd.Series(np.nan, index=series.index)
    for i in range(1, len(bp)):
        lo, hi = bp[i - 1], bp[i]
        m = (series > lo) & (series <= hi) if i > 1 else (series >= lo) & (series <= hi)
        out[m] = IAQI[i - 1] + np.ceil((IAQI[i] - IAQI[i - 1]) * (series[m] - lo) / (hi - lo) - 1e-9)
    out[series > bp[-1]] = 500 if len(bp) == 8 else np.nan
    return out


def main(path, out_path):
    df = pd.read_csv(path, dtype={"station": str, "flag": str})
    df["time"] = pd.to_datetime(df["time"])
    df = df[df["flag"].fillna("N") == "N"]
    df["date"] = df["time"].dt.normalize()
    df["hour"] = df["time"].dt.hour
    g = df.groupby(["station", "date"])
    daily = pd.DataFrame(index=g.size().index)
    for p in ["so2", "no2", "pm10", "co", "pm25"]:
        cnt = g[p].count()
        mean = g[p].mean()
        daily[p] = round_half_even(mean, 1 if p == "co" else 0).where(cnt >= 20)
    daily["o3"] = g["o3"].max().where(g["o3"].count() >= 20)

    # O3 daily maximum 8-hour mean over the 17 windows inside the day, each with >= 6 hours.
    o3 = df.pivot_table(index=["station", "date"], columns="hour", values="o3", aggfunc="first")
    o3 = o3.reindex(columns=range(24))
    means, counts = [], []
    for w in range(17):
        block = o3.iloc[:, w:w + 8]
        c = block.count(axis=1)
        means.append(block.mean(axis=1).where(c >= 6))
        counts.append(c >= 6)
    windows = pd.concat(means, axis=1)
    valid_windows = pd.concat(counts, axis=1).sum(axis=1)
    daily["o3_8h"] = round_half_even(windows.max(axis=1)).where(valid_windows >= 14).reindex(daily.index)

    parts = {p: iaqi(daily[p], BP[p]) for p in BP}
    # O3 8-h above 800: not indexed; the 1-h IAQI stands (2012 note 3).
    aqi = pd.concat(parts.values(), axis=1).max(axis=1)
    six = daily[["so2", "no2", "pm10", "co", "pm25", "o3_8h"]].notna().all(axis=1)
    daily["aqi"] = aqi.where(six)
    daily = daily.reset_index()
    daily["year"] = daily["date"].dt.year

    def percentile(values, p):
        v = np.sort(values.dropna().to_numpy())
        if len(v) == 0:
            return None
        return float(round_half_even(np.percentile(v, p, method="linear"), 1 if p == 95 and values.name == "co" else 0))

    stations = []
    for (station, year), d in daily.groupby(["station", "year"]):
        valid = d["aqi"].notna()
        good = int((d["aqi"] <= 100).sum())
        n = int(valid.sum())
        stations.append({
            "station": station, "year": int(year), "valid_days": n, "good_days": good,
            "good_days_ratio": float(round_half_even(1000 * good / n) / 10) if n else None,
            "pm25_annual": float(round_half_even(d["pm25"].mean())),
            "pm10_annual": float(round_half_even(d["pm10"].mean())),
            "so2_annual": float(round_half_even(d["so2"].mean())),
            "no2_annual": float(round_half_even(d["no2"].mean())),
            "co_p95": percentile(d["co"], 95),
            "o3_8h_p90": percentile(d["o3_8h"], 90),
        })
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"stations": stations}, f, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
