// exports.h: the plan and its progress as JSON, CSV and xlsx (the 打表 table).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "geo/screen.h"
#include "plan/lint.h"
#include "plan/model.h"
#include "service/audit_digest.h"
#include "service/notices.h"
#include "service/open_data.h"
#include "service/scorecard.h"
#include "service/supervision.h"
#include "service/tracking.h"

namespace shanshui::exporting {

/// The whole plan (actions → tasks → items, targets, departments) as one JSON document
/// (shape in docs/contracts.md, "Plan").
std::string plan_json(const plan::Plan& plan);

/// Lint findings as a JSON array of {severity, rule, where, line, message}.
std::string lint_json(const std::vector<plan::Finding>& findings);

/// The tracking view: every target with its series, provenance and three lenses (with their
/// explanations), every item with status and latest report, as one JSON document.
/// Audit entries as a JSON array of {id, at, actor, action, object, detail, prev_hash, hash, rows}
/// (the CLI's `audit list --json` and `GET /api/audit`): enough to recompute the chain.
std::string audit_log_json(const std::vector<store::AuditEntry>& entries);
/// A page of an audit search: {entries, total, next_before}.
std::string audit_page_json(const store::AuditPage& page);

/// `with_items` false: the targets only (what the public sees).
std::string progress_json(const plan::Plan& plan, const service::TrackingView& view, bool with_items = true);
/// One target of the view as in progress_json; nullopt when unknown.
std::optional<std::string> target_view_json(const service::TrackingView& view, const std::string& id);
/// One work item of the view with every report on it (each marked part or not, late or not).
std::optional<std::string> item_view_json(const plan::Plan& plan, const service::TrackingView& view,
                                          const std::vector<store::ProgressReport>& reports, const std::string& id);

std::string supervision_json(const plan::Plan& plan, const std::vector<service::SupervisionEntry>& list);
std::string scorecard_json(const plan::Plan& plan, const std::vector<service::ScoreRow>& rows);

/// The progress table as CSV, one row per work item, in the task list's layout.
std::string progress_csv(const plan::Plan& plan, const service::TrackingView& view);
/// 督办 notices as CSV for Excel (BOM, Chinese headers and states, what each is about, every step).
std::string notices_csv(const plan::Plan& plan, const std::vector<service::NoticeView>& notices);

/// Writes the 打表 workbook: sheet 重点任务清单 (the task list layout plus status, % done, latest
/// report and the lenses of linked targets), sheet 目标 (every target and its three lenses) and
/// sheet 督办 (the supervision list) and, when `digest` is given, sheet 审计摘要: the signed digest
/// of the audit log's head, so that the copy sent to the office also proves the log's extent.
Status write_progress_xlsx(const plan::Plan& plan, const service::TrackingView& view,
                           const std::vector<service::SupervisionEntry>& supervision, const std::string& path,
                           const service::AuditDigest* digest = nullptr);

/// Short label of a target's value as the plan writes it ("≥65%", "II类", "XX亿元").
std::string target_label(const plan::Target& t);

/// An open dataset as a workbook: sheet 数据 and sheet 说明 (title, description, licence, publisher,
/// source, date).
Status write_dataset_xlsx(const service::OpenDataset& d, const std::string& path);

/// A screening as a workbook (研判结论, 涉及图层, 周边保护要素, 准入清单条款), in Chinese.
Status write_screening_xlsx(const geo::Screening& r, const std::string& industry, const std::string& as_of,
                            const std::string& path);

}  // namespace shanshui::exporting
