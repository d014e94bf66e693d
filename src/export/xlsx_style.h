// xlsx_style.h: the look every workbook shanshui writes shares — header, cell, title and number
// formats, and text cells that cannot run as formulas. Private to src/export/*.cpp (libxlsxwriter).
#pragma once

#include <xlsxwriter.h>

#include <string>

#include "core/csv.h"

namespace shanshui::exporting::xlsx {

struct Formats {
  lxw_format* head;   // bold, bordered, shaded, wrapped, centred
  lxw_format* cell;   // wrapped, bordered, top-aligned
  lxw_format* title;  // bold, 14 pt
};

inline Formats add_formats(lxw_workbook* wb) {
  Formats f{workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb)};
  format_set_bold(f.head);
  format_set_border(f.head, LXW_BORDER_THIN);
  format_set_bg_color(f.head, 0xD9E1F2);
  format_set_text_wrap(f.head);
  format_set_align(f.head, LXW_ALIGN_CENTER);
  format_set_align(f.head, LXW_ALIGN_VERTICAL_CENTER);
  format_set_text_wrap(f.cell);
  format_set_border(f.cell, LXW_BORDER_THIN);
  format_set_align(f.cell, LXW_ALIGN_VERTICAL_TOP);
  format_set_bold(f.title);
  format_set_font_size(f.title, 14);
  return f;
}

/// Every text cell goes through here: text that Excel would run as a formula when a clerk edits the
/// cell is neutralised (neutralize_formula).
inline lxw_error text(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const std::string& s, lxw_format* format) {
  return worksheet_write_string(ws, row, col, neutralize_formula(s).c_str(), format);
}

}  // namespace shanshui::exporting::xlsx
