#!/usr/bin/env python3
"""gep_numpy: the ecosystem account's raster pass written the straightforward numpy way — every
raster read whole with GDAL, the guideline's formulas on whole arrays (slope in degrees through
arctan, LS through sin and power) — for bench/gep-bench.sh to time against shanshui's tiled pass.
Prints one JSON line: seconds, peak memory and the county totals of the same per-cell sums.

Usage: gep_numpy.py RASTER_DIR PROFILE_DIR YEAR
"""
import csv, json, os, resource, sys, time

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def table(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def main():
    rasters, profile_dir, year = sys.argv[1], sys.argv[2], int(sys.argv[3])
    t0 = time.perf_counter()
    classes = table(os.path.join(profile_dir, "classes.csv"))
    prices = {r["id"]: float(r["value"]) for r in table(os.path.join(profile_dir, "prices.csv"))}
    stats = {(int(r["year"]), r["item"]): float(r["value"]) for r in table(os.path.join(profile_dir, "statistics.csv"))}
    slope_length, allowable = 60.0, 500.0  # data/gep/gep.yaml
    lut = {k: np.zeros(256) for k in ("forest", "ecosystem", "water", "runoff", "c", "p", "epp", "nep")}
    known = np.zeros(256, bool)
    for r in classes:
        code = int(r["code"])
        known[code] = True
        for k in ("forest", "ecosystem", "water"):
            lut[k][code] = r[k] == "yes"
        for k in ("runoff", "c", "p", "epp", "nep"):
            lut[k][code] = float(r[k])

    def read(name):
        ds = gdal.Open(os.path.join(rasters, name))
        b = ds.GetRasterBand(1)
        a = b.ReadAsArray().astype(np.float64)
        nd = b.GetNoDataValue()
        if nd is not None:
            a[a == nd] = np.nan
        return a, ds.GetGeoTransform()

    lc, gt = read(f"{year}/land_cover.tif")
    dem, _ = read("dem.tif")
    p, _ = read(f"{year}/precipitation.tif")
    et, _ = read(f"{year}/aet.tif")
    npp, _ = read(f"{year}/npp.tif")
    r, _ = read("r_factor.tif")
    k, _ = read("k_factor.tif")
    cell = gt[1]
    area = cell * -gt[5]

    valid = ~np.isnan(lc)
    code = np.where(valid, lc, 0).astype(np.int64)
    assert known[code[valid]].all(), "a class not in classes.csv"
    forest, eco, water = lut["forest"][code] > 0, lut["ecosystem"][code] > 0, lut["water"][code] > 0

    # 水源涵养: Q = A·(P − α·P − ET)·10⁻³ on the ecosystem classes but water.
    q = p - lut["runoff"][code] * p - et
    wmask = valid & eco & ~water & ~np.isnan(p) & ~np.isnan(et)
    water_m3 = np.where(wmask & (q > 0), q * area * 1e-3, 0).sum()

    # 土壤保持: Horn's slope (a missing neighbour is the centre), LS, RUSLE.
    z = np.pad(dem, 1, constant_values=np.nan)
    centre = z[1:-1, 1:-1]
    def at(dy, dx):
        v = z[1 + dy:z.shape[0] - 1 + dy, 1 + dx:z.shape[1] - 1 + dx]
        return np.where(np.isnan(v), centre, v)
    dzdx = ((at(-1, 1) + 2 * at(0, 1) + at(1, 1)) - (at(-1, -1) + 2 * at(0, -1) + at(1, -1))) / (8 * cell)
    dzdy = ((at(1, -1) + 2 * at(1, 0) + at(1, 1)) - (at(-1, -1) + 2 * at(-1, 0) + at(-1, 1))) / (8 * cell)
    slope = np.degrees(np.arctan(np.sqrt(dzdx ** 2 + dzdy ** 2)))
    m = np.select([slope <= 1, slope <= 3, slope <= 5], [0.2, 0.3, 0.4], 0.5)
    s = np.sin(np.radians(slope))
    steep = np.select([slope < 5, slope < 10], [10.8 * s + 0.03, 16.8 * s - 0.50], 21.91 * s - 0.96)
    ls = np.power(slope_length / 22.13, m) * steep
    potential = r * k * ls
    actual = potential * lut["c"][code] * lut["p"][code]
    emask = valid & ~np.isnan(dem) & ~np.isnan(r) & ~np.isnan(k) & ~water
    retained_t = np.where(emask, (potential - actual) * area * 1e-4, 0).sum()
    eroding_m2 = (emask & (actual * 100 >= allowable)).sum() * area

    # 固碳, 气候调节.
    nmask = valid & ~np.isnan(npp) & (npp > 0)
    co2_t = np.where(nmask, 44.0 / 12.0 * lut["nep"][code] * npp * area * 1e-6, 0).sum()
    epp = lut["epp"][code]
    transpiration = np.where(valid & (epp > 0), epp * area * stats[(year, "hot_days")] / (3600 * prices["ac_ratio"]), 0).sum()
    evaporation = np.where(valid & water & ~np.isnan(et), et * area * 1e-3, 0).sum()

    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": round(seconds, 4),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                      "totals": {"area_m2": float(valid.sum() * area), "forest_m2": float((valid & forest).sum() * area),
                                 "eroding_m2": float(eroding_m2), "water_m3": float(water_m3),
                                 "retained_t": float(retained_t), "co2_t": float(co2_t),
                                 "transpiration_kwh": float(transpiration), "evaporation_m3": float(evaporation)}}))


if __name__ == "__main__":
    main()
