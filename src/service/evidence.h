// evidence.h: what an uploaded evidence file may be — its type told from its first bytes (never
// from what the client claims), a file name that is safe to store and to send back, and the
// size and storage budgets. The files themselves live in the store (store::EvidenceFile).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace shanshui::service {

/// The largest evidence file accepted (a scanned 文件 of a few pages, a photo, a spreadsheet).
constexpr int64_t kMaxEvidenceBytes = 8 * 1024 * 1024;
/// All evidence together may not grow beyond this by default (ServerOptions overrides it).
constexpr int64_t kDefaultEvidenceBudget = int64_t{2} * 1024 * 1024 * 1024;
/// Longest file name kept, in bytes of UTF-8.
constexpr size_t kMaxEvidenceName = 200;

/// The media type of an evidence file from its magic bytes: PDF, PNG, JPEG, OFD (the national
/// fixed-layout format, GB/T 33190), Office Open XML (.docx/.xlsx/.pptx) and legacy Office
/// (.doc/.xls). The extension picks among the types that share a container (ZIP, OLE2). Anything
/// else, or an extension that contradicts the content, is refused with the reason.
Result<std::string> evidence_media_type(std::string_view bytes, const std::string& name);

/// The file name as kept: the last path component, valid UTF-8, no control characters, at most
/// kMaxEvidenceName bytes; refused when empty.
Result<std::string> evidence_file_name(const std::string& name);

/// Whether `s` is a SHA-256 as the API names evidence: 64 lower-case hex digits.
bool is_sha256_hex(std::string_view s);

}  // namespace shanshui::service
