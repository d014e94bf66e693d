// evidence.cpp: evidence file types, names and budgets (see evidence.h).
#include "service/evidence.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/text.h"

namespace shanshui::service {
namespace {

bool starts_with(std::string_view bytes, std::string_view magic) { return bytes.substr(0, magic.size()) == magic; }

std::string extension(const std::string& name) {
  auto dot = name.rfind('.');
  if (dot == std::string::npos) return "";
  std::string ext = name.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

struct Kind {
  const char* ext;
  const char* media_type;
};
// Types inside a ZIP container, told apart by the extension.
constexpr std::array<Kind, 4> kZipKinds{{
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"ofd", "application/ofd"},
}};
// Types inside an OLE2 compound file.
constexpr std::array<Kind, 3> kOleKinds{{
    {"doc", "application/msword"},
    {"xls", "application/vnd.ms-excel"},
    {"ppt", "application/vnd.ms-powerpoint"},
}};

constexpr const char* kAccepted = "PDF, OFD, JPEG, PNG, Word, Excel or PowerPoint";

template <size_t N>
Result<std::string> by_extension(const std::array<Kind, N>& kinds, const std::string& ext, const char* container) {
  for (const auto& k : kinds)
    if (ext == k.ext) return std::string(k.media_type);
  return fail(std::string("the content is ") + container + " but the name ends in '." + ext +
              "': name it for what it is (" + kAccepted + ")");
}

}  // namespace

Result<std::string> evidence_media_type(std::string_view bytes, const std::string& name) {
  if (bytes.empty()) return fail("the file is empty");
  const std::string ext = extension(name);
  auto single = [&](const char* media_type, std::initializer_list<const char*> exts) -> Result<std::string> {
    for (const char* e : exts)
      if (ext == e) return std::string(media_type);
    return fail(std::string("the content is ") + media_type + " but the name ends in '." + ext + "'");
  };
  if (starts_with(bytes, "%PDF-")) return single("application/pdf", {"pdf"});
  if (starts_with(bytes, "\x89PNG\r\n\x1a\n")) return single("image/png", {"png"});
  if (starts_with(bytes, "\xFF\xD8\xFF")) return single("image/jpeg", {"jpg", "jpeg"});
  if (starts_with(bytes, std::string_view("PK\x03\x04", 4))) return by_extension(kZipKinds, ext, "a ZIP container");
  if (starts_with(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return by_extension(kOleKinds, ext, "an OLE2 file");
  return fail(std::string("not an accepted evidence type: send ") + kAccepted);
}

Result<std::string> evidence_file_name(const std::string& raw) {
  std::string name = raw;
  if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") return fail("the file needs a name (?name=…)");
  if (name.size() > kMaxEvidenceName)
    return fail("the file name is " + std::to_string(name.size()) + " bytes; at most " +
                std::to_string(kMaxEvidenceName));
  if (!text::is_valid_utf8(name)) return fail("the file name is not valid UTF-8");
  if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
    return fail("the file name contains control characters");
  return name;
}

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace shanshui::service
