// lenses.cpp: the progress lenses. Thresholds are constants here and are printed with every
// result (method versions below); change them only with a new method version.
#include "plan/lenses.h"

#include <cmath>
#include <cstdio>

#include "core/decimal.h"

namespace shanshui::plan {
namespace {

constexpr const char* kScheduleMethod = "schedule/v1";
constexpr const char* kUnsdMethod = "unsd-progress-chart-2023/v1";
constexpr const char* kCurrentMethod = "current/v1";
constexpr double kEps = 1e-9;
constexpr double kApproxTolerance = 0.02;  // "左右" (about): within 2 % of the target value

std::optional<double> num(const std::string& s) {
  auto d = Decimal::parse(s);
  if (!d) return std::nullopt;
  return d->to_double();
}

std::string fmt(double v, int digits = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

// A text of a result in both languages (Chinese first: what the county reads).
struct Said {
  std::string zh, en;
};
void formula(LensResult& r, Said s) { r.formula = std::move(s.zh), r.en.formula = std::move(s.en); }
void thresholds(LensResult& r, Said s) { r.thresholds = std::move(s.zh), r.en.thresholds = std::move(s.en); }
void reason(LensResult& r, Said s) { r.reason = std::move(s.zh), r.en.reason = std::move(s.en); }

LensResult unable(const char* lens, const char* method, Said why) {
  LensResult r;
  r.lens = lens;
  r.rating = "unable";
  r.method = method;
  reason(r, std::move(why));
  return r;
}

Said no_target_value(const Target& t) {
  // The English leaves out the draft's Chinese wording (the page quotes it beside the rating).
  return {"规划未明确目标值（“" + t.written + "”）", "the plan states no target value"};
}

// An unspecified target with nothing to rate it against: 目标待定, grey, never a failure.
LensResult pending(const char* lens, const char* method, const Target& t, const std::optional<Said>& detail = {}) {
  Said none = no_target_value(t);
  LensResult r = unable(lens, method, {"目标待定：" + none.zh, "target pending: " + none.en});
  r.rating = "target_pending";
  if (detail) reason(r, {r.reason + "；" + detail->zh, r.en.reason + "; " + detail->en});
  return r;
}
Said near_limit(const Target& t) {
  return {"临界规则：距 " + t.value + " 不足 1 个百分点，视为实现", "near-limit rule: within 1 point of " + t.value};
}
const Said kAlreadyMet{"最新值已达到目标", "the latest value already meets the target"};
const Said kHoldLevel{"目标等于基准值（保持水平），最新值未达到",
                      "target equals the baseline (hold the level) and the latest value misses it"};
// A target missed by the latest value: "not yet achieved" while its year is still ahead (not a
// failure: the schedule and UNSD lenses say whether the pace is enough), "not achieved" after.
const char* missed(const Target& t, int latest_year) {
  return latest_year < t.year ? "not_yet_achieved" : "not_achieved";
}
const Said kMissedThresholds{"达到 → 已实现；未达到且未到目标年 → 尚未达标；目标年已到仍未达到 → 未达标",
                             "met → achieved; missed before the target year → not_yet_achieved; missed in or after "
                             "it → not_achieved"};
const Said kNoRate{"存在非正值，增长率无定义", "growth rate undefined for non-positive values"};

// Near-limit rule (UNSD): a target of 0 % or 100 % counts as achieved within 1 point of it.
bool near_limit_achieved(const Target& t, double v) {
  auto target = num(t.value);
  if (!target || !t.limit) return false;
  bool at_limit = std::fabs(*target - *t.limit) < kEps || std::fabs(*target) < kEps;
  return at_limit && std::fabs(v - *target) <= 1.0 + kEps;
}

struct Span {
  int b, t;
  double vb, vt;
};

// Baseline and latest numeric values; nullopt with a reason when there are not two.
std::optional<Span> numeric_span(const Target& t, const std::vector<Observation>& series, Said* why) {
  auto all = with_baseline(t, series);
  if (all.size() < 2) {
    std::string year = all.empty() ? "" : std::to_string(all.front().year);
    *why = all.empty() ? Said{"暂无数据：既无基准值也无监测值", "no data: no baseline and no measurement"}
                       : Said{"只有 " + year + " 年一个值，至少需要两年",
                              "only one value (" + year + "): at least two years are needed"};
    return std::nullopt;
  }
  auto vb = num(all.front().value), vt = num(all.back().value);
  if (!vb || !vt) {
    *why = {"数值无法计算（“" + all.front().value + "”“" + all.back().value + "”）",
            "values are not numbers ('" + all.front().value + "', '" + all.back().value + "')"};
    return std::nullopt;
  }
  return Span{all.front().year, all.back().year, *vb, *vt};
}

void add_span_inputs(LensResult& r, const Target& t, const Span& s) {
  r.inputs.push_back({"b", std::to_string(s.b)});
  r.inputs.push_back({"v_b", fmt(s.vb)});
  r.inputs.push_back({"t", std::to_string(s.t)});
  r.inputs.push_back({"v_t", fmt(s.vt)});
  r.inputs.push_back({"T", std::to_string(t.year)});
  if (!t.unspecified && !t.value.empty()) r.inputs.push_back({"v_T", t.value});
  r.inputs.push_back({"bound", to_string(t.bound)});
}

// Class and binary targets share one shape in every lens: met now or not.
LensResult categorical(const char* lens, const char* method, const Target& t, const std::vector<Observation>& series) {
  auto all = with_baseline(t, series);
  if (all.empty())
    return unable(lens, method, {"暂无数据：既无基准值也无监测值", "no data: no baseline and no measurement"});
  LensResult r;
  r.lens = lens;
  r.method = method;
  int met = 0;
  for (const auto& o : all) met += meets_target(t, o.value).value_or(false) ? 1 : 0;
  const auto& latest = all.back();
  auto ok = meets_target(t, latest.value);
  if (!ok)
    return unable(lens, method,
                  {"最新值“" + latest.value + "”无法与目标“" + t.value + "”比较",
                   "latest value '" + latest.value + "' cannot be compared with '" + t.value + "'"});
  r.inputs = {{"latest_year", std::to_string(latest.year)},
              {"latest", latest.value},
              {"target", t.value},
              {"years_meeting", std::to_string(met)},
              {"years", std::to_string(all.size())}};
  r.value = static_cast<double>(met) / static_cast<double>(all.size());
  if (t.bound == Bound::water_class) {
    formula(r, {"最新水质类别不劣于目标类别；另计达标年数占比",
                "class rank(latest) <= class rank(target); share of years meeting the class"});
    reason(r, {"水质类别目标：不计增长率，按最新年度是否达到类别评定",
               "water-class target: no growth rate; rated by whether the latest year meets the class"});
  } else {
    formula(r, {"最新值 = 目标", "latest == target"});
    reason(r, {"是否型目标：实现或未实现", "binary target: achieved or not"});
  }
  bool lens_unsd = std::string(lens) == "unsd";
  r.rating = *ok ? "achieved" : lens_unsd ? "stagnation_or_regression" : missed(t, latest.year);
  thresholds(r, lens_unsd
                    ? Said{"达到 → 已实现；未达到 → 停滞或倒退", "met → achieved; not met → stagnation_or_regression"}
                    : kMissedThresholds);
  return r;
}

// The shared start of the schedule and UNSD lenses: class and binary targets are rated as met or
// not, qualitative ones cannot be rated, numeric ones need a baseline-to-latest span. Returns a
// finished result, or nullopt with *span and *r (lens, method, inputs) ready for the lens itself.
std::optional<LensResult> start_numeric(const char* lens, const char* method, const Target& t,
                                        const std::vector<Observation>& series, const Said& qualitative_reason,
                                        Span* span, LensResult* r) {
  if (t.bound == Bound::water_class || t.bound == Bound::binary) return categorical(lens, method, t, series);
  if (t.bound == Bound::qualitative) return unable(lens, method, qualitative_reason);
  Said why;
  auto s = numeric_span(t, series, &why);
  if (!s) return unable(lens, method, why);
  *span = *s;
  r->lens = lens;
  r->method = method;
  add_span_inputs(*r, t, *s);
  return std::nullopt;
}

}  // namespace

const char* lens_rating_label(const std::string& r) {
  if (r == "achieved") return "已实现";
  if (r == "on_schedule") return "序时推进";
  if (r == "slightly_behind") return "略滞后";
  if (r == "behind") return "滞后";
  if (r == "on_track") return "按期实现";
  if (r == "acceleration_needed") return "需加快";
  if (r == "stagnation_or_regression") return "停滞或倒退";
  if (r == "not_achieved") return "未达标";
  if (r == "not_yet_achieved") return "尚未达标";
  if (r == "target_pending") return "目标待定";
  if (r == "unable") return "无法评估";
  if (r == "stale") return "数据过期";
  return "?";
}

int water_class_rank(const std::string& c) {
  static const char* const kClasses[] = {"I", "II", "III", "IV", "V"};
  for (int i = 0; i < 5; ++i)
    if (c == kClasses[i]) return i + 1;
  if (c == "劣V" || c == "劣Ⅴ") return 6;
  return 0;
}

std::optional<bool> meets_target(const Target& t, const std::string& value) {
  if (t.unspecified || t.value.empty()) return std::nullopt;
  switch (t.bound) {
    case Bound::water_class: {
      int v = water_class_rank(value), target = water_class_rank(t.value);
      if (!v || !target) return std::nullopt;
      return v <= target;
    }
    case Bound::binary:
    case Bound::qualitative:
      if (value == "yes" || value == "no") return value == "yes";
      return std::nullopt;
    default:
      break;
  }
  auto v = num(value), target = num(t.value);
  if (!v || !target) return std::nullopt;
  if (near_limit_achieved(t, *v)) return true;
  switch (t.bound) {
    case Bound::at_least:
      return *v >= *target - kEps;
    case Bound::at_most:
      return *v <= *target + kEps;
    case Bound::equal:
      return std::fabs(*v - *target) < kEps;
    case Bound::approx:
      return std::fabs(*v - *target) <= kApproxTolerance * std::fabs(*target) + kEps;
    case Bound::range: {
      auto hi = num(t.value_hi);
      return hi && *v >= *target - kEps && *v <= *hi + kEps;
    }
    default:
      return std::nullopt;
  }
}

std::vector<Observation> with_baseline(const Target& t, const std::vector<Observation>& series) {
  std::vector<Observation> out;
  if (t.baseline_value && t.baseline_year) out.push_back({t.baseline_year, *t.baseline_value});
  for (const auto& o : series) {
    // The plan's baseline wins for its year; values before the baseline year are history.
    if (!out.empty() && o.year <= out.back().year) continue;
    out.push_back(o);
  }
  return out;
}

static LensResult current_lens_as_written(const Target& t, const std::vector<Observation>& series) {
  if (t.bound == Bound::water_class || t.bound == Bound::binary)
    return categorical("current", kCurrentMethod, t, series);
  if (t.bound == Bound::qualitative) {
    if (!series.empty() && (series.back().value == "yes" || series.back().value == "no")) {
      LensResult r;
      r.lens = "current";
      r.method = kCurrentMethod;
      r.rating = series.back().value == "yes" ? "achieved" : missed(t, series.back().year);
      r.inputs = {{"latest_year", std::to_string(series.back().year)}, {"verdict", series.back().value}};
      reason(r, {"定性目标：采用监测部门报送的结论",
                 "qualitative target: the reported verdict of the measuring department"});
      return r;
    }
    return unable("current", kCurrentMethod,
                  {"定性目标：需由监测部门报送“是/否”结论", "qualitative target: needs a reported verdict (yes/no)"});
  }
  if (series.empty()) return unable("current", kCurrentMethod, {"暂无监测值", "no measurement yet"});
  if (t.unspecified) return pending("current", kCurrentMethod, t);
  LensResult r;
  r.lens = "current";
  r.method = kCurrentMethod;
  const auto& latest = series.back();
  auto v = num(latest.value), target = num(t.value);
  if (!v || !target)
    return unable("current", kCurrentMethod,
                  {"最新值“" + latest.value + "”不是数值", "latest value '" + latest.value + "' is not a number"});
  r.inputs = {{"latest_year", std::to_string(latest.year)},
              {"v_t", latest.value},
              {"v_T", t.value},
              {"bound", to_string(t.bound)}};
  bool ok = meets_target(t, latest.value).value_or(false);
  r.rating = ok ? "achieved" : missed(t, latest.year);
  r.value = *target - *v;
  formula(r,
          {"按约束比较最新值与目标值；差距 = 目标值 − 最新值", "v_t compared with v_T by the bound; gap = v_T - v_t"});
  thresholds(
      r,
      {std::string("约束 ") + to_string(t.bound) + (t.bound == Bound::approx ? "（约数：与目标值相差不超过 2%）" : "") +
           (t.limit ? "；目标为 0% 或 100% 时相差不足 1 个百分点视为实现" : ""),
       std::string("bound ") + to_string(t.bound) + (t.bound == Bound::approx ? " (about: within 2% of v_T)" : "") +
           (t.limit ? "; within 1 point of a 0%/100% target counts as achieved" : "")});
  if (ok && near_limit_achieved(t, *v) && std::fabs(*v - *target) > kEps) reason(r, near_limit(t));
  return r;
}

static LensResult schedule_lens_as_written(const Target& t, const std::vector<Observation>& series) {
  if (t.unspecified && t.bound != Bound::qualitative) return pending("schedule", kScheduleMethod, t);
  Span span{};
  LensResult r;
  if (auto done = start_numeric("schedule", kScheduleMethod, t, series,
                                {"定性目标：没有可度量的进度", "qualitative target: no distance to cover"}, &span, &r))
    return *done;
  const Span* s = &span;
  if (t.year <= s->b)
    return unable("schedule", kScheduleMethod, {"目标年份不晚于基准年", "target year is not after the baseline year"});
  double target = *num(t.value);
  formula(r, {"完成进度 = (最新值 − 基准值) / (目标值 − 基准值)；时间进度 = (最新年份 − 基准年) / (目标年 − "
              "基准年)；进度比 = 完成进度 / 时间进度",
              "achieved = (v_t - v_b) / (v_T - v_b); elapsed = (t - b) / (T - b); ratio = achieved / elapsed"});
  thresholds(r, {"达到目标 → 已实现；进度比 ≥ 1 → 序时推进；0.8 ≤ 进度比 < 1 → 略滞后；进度比 < 0.8 → 滞后",
                 "target met → achieved; ratio ≥ 1 → on_schedule; 0.8 ≤ ratio < 1 → slightly_behind; ratio < 0.8 → "
                 "behind"});
  if (meets_target(t, fmt(s->vt, 9)).value_or(false)) {
    r.rating = "achieved";
    reason(r, kAlreadyMet);
    return r;
  }
  if (std::fabs(target - s->vb) < kEps) {
    r.rating = "behind";
    reason(r, kHoldLevel);
    return r;
  }
  double elapsed = static_cast<double>(s->t - s->b) / static_cast<double>(t.year - s->b);
  double achieved = (s->vt - s->vb) / (target - s->vb);
  double ratio = achieved / elapsed;
  r.inputs.push_back({"achieved", fmt(achieved)});
  r.inputs.push_back({"elapsed", fmt(elapsed)});
  r.value = ratio;
  r.rating = ratio >= 1 - kEps ? "on_schedule" : ratio >= 0.8 - kEps ? "slightly_behind" : "behind";
  return r;
}

static LensResult unsd_lens_as_written(const Target& t, const std::vector<Observation>& series) {
  Span span{};
  LensResult r;
  if (auto done = start_numeric(
          "unsd", kUnsdMethod, t, series,
          {"定性目标：没有可外推的数值序列", "qualitative target: no numeric series to extrapolate"}, &span, &r))
    return *done;
  const Span* s = &span;
  double years = s->t - s->b;

  if (t.unspecified) {
    // No numeric target and no reference: the direction of change is reported (UNSD's table for
    // indicators without a target), but the target itself is pending — never red.
    if (s->vb <= 0 || s->vt <= 0) return pending("unsd", kUnsdMethod, t, kNoRate);
    double cagr = std::pow(s->vt / s->vb, 1.0 / years) - 1;
    r.inputs.push_back({"CAGR_a", fmt(cagr, 6)});
    r.value = cagr;
    r.rating = "target_pending";
    formula(r, {"实际年均增速 = (最新值 / 基准值)^(1/(最新年份 − 基准年)) − 1（无目标值，仅供参考）",
                "CAGR_a = (v_t / v_b)^(1/(t-b)) - 1 (no target value: for information)"});
    double d = t.direction == Direction::decrease ? -1 : t.direction == Direction::increase ? 1 : 0;
    std::string pct = fmt(cagr * 100, 2) + "%";
    Said trend = d * cagr > kEps ? Said{"，年均变化 " + pct + "，向期望方向", ", " + pct + " a year, the desired way"}
                 : d * cagr < -kEps
                     ? Said{"，年均变化 " + pct + "，背离期望方向", ", " + pct + " a year, the wrong way"}
                     : Said{"，年均变化 " + pct, ", " + pct + " a year"};
    Said none = no_target_value(t);
    reason(r, {"目标待定：" + none.zh + trend.zh, "target pending: " + none.en + trend.en});
    return r;
  }

  double target = *num(t.value);
  thresholds(r, {"最新值达到目标 → 已实现；预期完成度 ≥ 0.95 → 按期实现；0.10～0.95 → 需加快；< 0.10 → 停滞或倒退",
                 "latest meets target → achieved; P ≥ 0.95 → on_track; 0.10 ≤ P < 0.95 → acceleration_needed; P < "
                 "0.10 → stagnation_or_regression"});
  if (meets_target(t, fmt(s->vt, 9)).value_or(false)) {
    r.rating = "achieved";
    formula(r, {"最新值达到目标", "latest value meets the target"});
    reason(r, near_limit_achieved(t, s->vt) && std::fabs(s->vt - target) > kEps ? near_limit(t) : kAlreadyMet);
    return r;
  }
  if (std::fabs(target - s->vb) < kEps) {
    r.rating = "stagnation_or_regression";
    formula(r, {"目标等于基准值：预期完成度无定义", "target equals the baseline: P undefined"});
    reason(r, kHoldLevel);
    return r;
  }
  double expected;
  if (t.cumulative || s->vb <= 0 || s->vt <= 0) {
    if (!t.cumulative) return unable("unsd", kUnsdMethod, kNoRate);
    double pace = (s->vt - s->vb) / years;
    expected = s->vt + pace * (t.year - s->t);
    r.inputs.push_back({"pace_per_year", fmt(pace, 6)});
    formula(r, {"累计型目标：预期目标年值 = 最新值 + 年均增量 × (目标年 − 最新年份)；预期完成度 = (预期目标年值 − "
                "基准值) / (目标值 − 基准值)",
                "cumulative target: v_T^e = v_t + (v_t - v_b)/(t - b)·(T - t); P = (v_T^e - v_b) / (v_T - v_b)"});
    reason(r, {"累计总量：按线性速度外推（能力分批形成，从零起算时增长率无定义）",
               "cumulative total: linear pace (capacity arrives in steps; CAGR is undefined from zero)"});
  } else {
    double cagr = std::pow(s->vt / s->vb, 1.0 / years) - 1;
    expected = s->vt * std::pow(1 + cagr, t.year - s->t);
    r.inputs.push_back({"CAGR_a", fmt(cagr, 6)});
    formula(r, {"实际年均增速 = (最新值 / 基准值)^(1/(最新年份 − 基准年)) − 1；预期目标年值 = 最新值 × (1 + "
                "实际年均增速)^(目标年 − 最新年份)；预期完成度 = (预期目标年值 − 基准值) / (目标值 − 基准值)",
                "CAGR_a = (v_t / v_b)^(1/(t-b)) - 1; v_T^e = v_t·(1 + CAGR_a)^(T - t); P = (v_T^e - v_b) / (v_T - "
                "v_b)"});
  }
  double p = (expected - s->vb) / (target - s->vb);
  r.inputs.push_back({"v_T^e", fmt(expected)});
  r.value = p;
  r.rating = p >= 0.95 - kEps ? "on_track" : p >= 0.10 - kEps ? "acceleration_needed" : "stagnation_or_regression";
  return r;
}

namespace {

using Lens = LensResult (*)(const Target&, const std::vector<Observation>&);

// An unspecified target with a reference (a national standard, or the plan's baseline) is rated
// against it like a stated value, and every result says so; without one it stays pending.
LensResult against_reference(Lens lens, const Target& t, const std::vector<Observation>& series) {
  if (!t.unspecified || !t.reference || t.reference->value.empty()) return lens(t, series);
  Target rated = t;
  rated.unspecified = false;
  rated.value = t.reference->value;
  LensResult r = lens(rated, series);
  r.inputs.push_back({"reference", t.reference->value});
  Said basis = t.reference->of_baseline
                   ? Said{"目标待定（“" + t.written + "”）：暂以规划基准值 " + t.reference->value + " 为参照（" +
                              t.reference->source + "）",
                          "target pending: rated against the plan's baseline " + t.reference->value}
                   : Said{"目标待定（“" + t.written + "”）：暂以 " + t.reference->source + " 为参照",
                          "target pending: rated against " + (t.reference->source_en.empty()
                                                                  ? "the reference value " + t.reference->value
                                                                  : t.reference->source_en)};
  reason(r, {basis.zh + (r.reason.empty() ? "" : "；" + r.reason),
             basis.en + (r.en.reason.empty() ? "" : "; " + r.en.reason)});
  return r;
}

}  // namespace

LensResult schedule_lens(const Target& t, const std::vector<Observation>& series) {
  return against_reference(schedule_lens_as_written, t, series);
}
LensResult unsd_lens(const Target& t, const std::vector<Observation>& series) {
  return against_reference(unsd_lens_as_written, t, series);
}
LensResult current_lens(const Target& t, const std::vector<Observation>& series) {
  return against_reference(current_lens_as_written, t, series);
}

std::vector<LensResult> assess(const Target& t, const std::vector<Observation>& series) {
  return {schedule_lens(t, series), unsd_lens(t, series), current_lens(t, series)};
}

}  // namespace shanshui::plan
