// services.h: the ecosystem services as pure functions of one cell's values and its class's
// parameters — what the guideline says, one formula each, with the clause it implements
// (docs/reference/gep.md §1 gives the sources; symbols as there). Inline: they run per cell.
#pragma once

#include <cmath>

namespace shanshui::ecoacct::services {

// ---- 水源涵养 water conservation (docs/reference/gep.md §1.2, water-balance method of the 2020 guideline) ----

/// Q = A·(P − R − ET)·10⁻³, R = α·P: m³ a cell holds back in a year. A cell whose balance is
/// negative conserves nothing (not a negative quantity).
inline double water_conservation_m3(double p_mm, double et_mm, double alpha, double area_m2) {
  double q = p_mm - alpha * p_mm - et_mm;
  return q > 0 ? q * area_m2 * 1e-3 : 0;
}

/// The Budyko variant's AET (Fu 1981): AET = P·(1 + φ − (1 + φ^ω)^(1/ω)), φ = ET0·kc / P.
inline double fu_aet_mm(double p_mm, double et0_mm, double kc, double omega) {
  if (!(p_mm > 0)) return 0;
  double phi = et0_mm * kc / p_mm;
  return p_mm * (1 + phi - std::pow(1 + std::pow(phi, omega), 1 / omega));
}

// ---- 土壤保持 soil retention (docs/reference/gep.md §1.3: RUSLE, potential minus actual erosion) ----

/// The slope as the squared gradient tan²θ from a 3 × 3 neighbourhood of elevations (Horn 1981),
/// `cell` metres apart; z points at the centre, `stride` floats per row. A missing neighbour is
/// replaced by the centre. (Squared: the per-cell LS needs no square root of it.)
inline double gradient2(const float* z, long stride, double cell) {
  auto at = [&](long dy, long dx) {
    float v = z[dy * stride + dx];
    return std::isnan(v) ? static_cast<double>(z[0]) : static_cast<double>(v);
  };
  double dzdx = ((at(-1, 1) + 2 * at(0, 1) + at(1, 1)) - (at(-1, -1) + 2 * at(0, -1) + at(1, -1))) / (8 * cell);
  double dzdy = ((at(1, -1) + 2 * at(1, 0) + at(1, 1)) - (at(-1, -1) + 2 * at(-1, 0) + at(-1, 1))) / (8 * cell);
  return dzdx * dzdx + dzdy * dzdy;
}

constexpr double kPi = 3.14159265358979323846;

/// Slope in degrees (the same neighbourhood): θ = atan(tanθ).
inline double slope_deg(const float* z, long stride, double cell) {
  return std::atan(std::sqrt(gradient2(z, stride, cell))) * 180 / kPi;
}

/// LS: L = (λ/22.13)^m with m = 0.2 / 0.3 / 0.4 / 0.5 for θ ≤ 1° / ≤ 3° / ≤ 5° / > 5° (Wischmeier &
/// Smith); S for steep slopes by Liu Baoyuan (1994): 10.8 sinθ + 0.03 (θ < 5°), 16.8 sinθ − 0.50
/// (5°–10°), 21.91 sinθ − 0.96 (θ ≥ 10°).
inline double ls_factor(double slope_degrees, double lambda_m) {
  double m = slope_degrees <= 1 ? 0.2 : slope_degrees <= 3 ? 0.3 : slope_degrees <= 5 ? 0.4 : 0.5;
  double s = std::sin(slope_degrees * kPi / 180);
  double steep = slope_degrees < 5 ? 10.8 * s + 0.03 : slope_degrees < 10 ? 16.8 * s - 0.50 : 21.91 * s - 0.96;
  return std::pow(lambda_m / 22.13, m) * steep;
}

/// The same LS per cell without a trigonometric or power call: the four L values of one slope
/// length computed once, the class limits as squared gradients (θ ≤ 1° ⇔ tan²θ ≤ tan²1°), and
/// sinθ = √(tan²θ / (1 + tan²θ)). Agrees with ls_factor to rounding (tests/ecoacct).
struct LsTable {
  double l[4];
  double tan2_1, tan2_3, tan2_5, tan2_10;
  explicit LsTable(double lambda_m)
      : l{std::pow(lambda_m / 22.13, 0.2), std::pow(lambda_m / 22.13, 0.3), std::pow(lambda_m / 22.13, 0.4),
          std::pow(lambda_m / 22.13, 0.5)},
        tan2_1(square(std::tan(1 * kPi / 180))),
        tan2_3(square(std::tan(3 * kPi / 180))),
        tan2_5(square(std::tan(5 * kPi / 180))),
        tan2_10(square(std::tan(10 * kPi / 180))) {}
  static double square(double x) { return x * x; }
};
inline double ls_from_gradient2(double g2, const LsTable& t) {
  double l = g2 <= t.tan2_1 ? t.l[0] : g2 <= t.tan2_3 ? t.l[1] : g2 <= t.tan2_5 ? t.l[2] : t.l[3];
  double s = std::sqrt(g2 / (1 + g2));
  double steep = g2 < t.tan2_5 ? 10.8 * s + 0.03 : g2 < t.tan2_10 ? 16.8 * s - 0.50 : 21.91 * s - 0.96;
  return l * steep;
}

/// Potential erosion A_p = R·K·LS and actual A_r = A_p·C·P, t·ha⁻¹·a⁻¹.
struct Erosion {
  double potential = 0, actual = 0;
  double retained() const { return potential - actual; }  // Q_sr = R·K·LS·(1 − C·P)
};
inline Erosion rusle(double r, double k, double ls, double c, double p) {
  double a = r * k * ls;
  return {a, a * c * p};
}

/// SL 190-2007: a cell is eroding (水土流失) when its modulus (t·km⁻²·a⁻¹ = 100 × t·ha⁻¹·a⁻¹) reaches
/// the allowable loss of its region (西南土石山区 500); 水土保持率 = the land that is not (docs/reference/gep.md §2.2).
inline bool eroding(double actual_t_ha, double allowable_t_km2) { return actual_t_ha * 100 >= allowable_t_km2; }

// ---- 固碳 / 释氧 carbon sequestration and oxygen release (docs/reference/gep.md §1.8–1.9, NEP method) ----

/// Q_CO2 = 44/12 · NEP, NEP = α·NPP (g C·m⁻²·a⁻¹): tonnes of CO₂ a cell fixes in a year.
inline double co2_t(double npp_gc_m2, double nep_ratio, double area_m2) {
  return npp_gc_m2 > 0 ? 44.0 / 12.0 * nep_ratio * npp_gc_m2 * area_m2 * 1e-6 : 0;
}
/// Q_O2 = 32/44 · Q_CO2.
inline double o2_t(double co2) { return co2 * 32.0 / 44.0; }

// ---- 气候调节 climate regulation (docs/reference/gep.md §1.10) ----

/// Vegetation: E_pt = EPP·S·D / (3600·r), kWh — heat consumed by transpiration (kJ·m⁻²·d⁻¹) over
/// the days above 26 °C, as the electricity an air conditioner of efficiency r would use.
inline double transpiration_kwh(double epp_kj_m2_d, double area_m2, double hot_days, double ac_ratio) {
  return epp_kj_m2_d * area_m2 * hot_days / (3600 * ac_ratio);
}
/// Water surface: E_we = E_w·q·ρ / 3600, kWh — evaporation E_w (m³) times the latent heat q
/// (J/g = kJ/kg) and ρ = 1000 kg/m³ (the humidifier term is left out: Wushan is humid).
inline double evaporation_kwh(double evaporation_m3, double latent_heat_j_g) {
  return evaporation_m3 * latent_heat_j_g * 1000 / 3600;
}

}  // namespace shanshui::ecoacct::services
