// sta_filter.cpp: the SensorThings $filter — a tokenizer, a recursive-descent parser by OData's
// operator precedence (OData v4 Part 2 §5.1.1.16: or < and < not < comparison < additive <
// multiplicative < unary minus), and an evaluator over resolved values (see sta_filter.h).
#include "service/sta_filter.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "core/civil_time.h"

namespace shanshui::service::sta {

struct Node {
  enum class Kind { literal, path, unary, binary, call };
  Kind kind = Kind::literal;
  Value value;                                    // literal
  std::string name;                               // path, operator or function
  std::vector<std::shared_ptr<const Node>> args;  // operands
};

namespace {

using NodePtr = std::shared_ptr<const Node>;

bool digit(char c) { return c >= '0' && c <= '9'; }
bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || digit(c) || c == '_' || c == '/' || c == '.' || c == '@';
}

int two(std::string_view s, size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

struct Token {
  enum class Kind { end, ident, number, text, time, open, close, comma };
  Kind kind = Kind::end;
  std::string text;
  Value value;
  size_t at = 0;  // 1-based position
};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<NodePtr> parse(std::vector<std::string>& paths) {
    paths_ = &paths;
    SS_TRY(advance());
    auto e = expr_or();
    SS_TRY(e);
    if (tok_.kind != Token::Kind::end) return error("an operator or the end of the filter");
    return e;
  }

 private:
  tl::unexpected<Error> error(const std::string& expected) const {
    std::string found = tok_.kind == Token::Kind::end ? "the end" : "'" + tok_.text.substr(0, 40) + "'";
    return fail("$filter: expected " + expected + " at character " + std::to_string(tok_.at) + ", found " + found);
  }

  Status advance() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
    tok_ = Token{};
    tok_.at = pos_ + 1;
    if (pos_ >= s_.size()) return {};
    char c = s_[pos_];
    if (c == '(' || c == ')' || c == ',') {
      tok_.kind = c == '(' ? Token::Kind::open : c == ')' ? Token::Kind::close : Token::Kind::comma;
      tok_.text = std::string(1, c);
      ++pos_;
      return {};
    }
    if (c == '\'') {  // 'text', '' for a quote
      std::string out;
      size_t i = pos_ + 1;
      for (;; ++i) {
        if (i >= s_.size())
          return fail("$filter: a text opened at character " + std::to_string(pos_ + 1) + " is not closed");
        if (s_[i] == '\'') {
          if (i + 1 < s_.size() && s_[i + 1] == '\'') {
            out += '\'';
            ++i;
            continue;
          }
          break;
        }
        out += s_[i];
      }
      tok_.kind = Token::Kind::text;
      tok_.text = std::string(s_.substr(pos_, i + 1 - pos_));
      tok_.value = Value::of(out);
      pos_ = i + 1;
      return {};
    }
    if (digit(c) || (c == '-' && pos_ + 1 < s_.size() && digit(s_[pos_ + 1]) && !operand_before_)) {
      size_t i = pos_ + 1;
      while (i < s_.size() && (digit(s_[i]) || s_[i] == '.' || s_[i] == 'e' || s_[i] == 'E' || s_[i] == '-' ||
                               s_[i] == '+' || s_[i] == ':' || s_[i] == 'T' || s_[i] == 'Z')) {
        // a sign inside a number only after an exponent; in a date-time anywhere
        if ((s_[i] == '+' || s_[i] == '-') && !(s_[i - 1] == 'e' || s_[i - 1] == 'E') &&
            std::string_view(s_.substr(pos_, i - pos_)).find_first_of("T:") == std::string_view::npos &&
            !(s_[i] == '-' && (i - pos_ == 4 || i - pos_ == 7)))
          break;
        ++i;
      }
      std::string_view word = s_.substr(pos_, i - pos_);
      tok_.text = std::string(word);
      if (word.size() >= 10 && word[4] == '-' && word[7] == '-') {
        auto t = parse_time(word);
        if (!t) return fail("$filter: at character " + std::to_string(pos_ + 1) + ": " + t.error().message);
        tok_.kind = Token::Kind::time;
        tok_.value = *t;
      } else {
        double v = 0;
        auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
        if (ec != std::errc() || end != word.data() + word.size())
          return fail("$filter: '" + tok_.text + "' at character " + std::to_string(pos_ + 1) + " is not a number");
        tok_.kind = Token::Kind::number;
        tok_.value = Value::of(v);
      }
      pos_ = i;
      return {};
    }
    if (c == '-' && !operand_before_) {  // unary minus before a non-number: -(x), -length(y)
      tok_.kind = Token::Kind::ident;
      tok_.text = "-";
      ++pos_;
      return {};
    }
    if (ident_char(c) || c == '$') {
      size_t i = pos_ + 1;
      while (i < s_.size() && ident_char(s_[i])) ++i;
      tok_.kind = Token::Kind::ident;
      tok_.text = std::string(s_.substr(pos_, i - pos_));
      pos_ = i;
      return {};
    }
    return fail("$filter: unexpected character '" + std::string(1, c) + "' at character " + std::to_string(pos_ + 1));
  }

  bool word(const char* w) const { return tok_.kind == Token::Kind::ident && tok_.text == w; }

  static NodePtr make(Node::Kind kind, std::string name, std::vector<NodePtr> args) {
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->name = std::move(name);
    n->args = std::move(args);
    return n;
  }

  // Nesting (parentheses, not, unary minus, function arguments) is bounded: a stranger's filter
  // cannot run the handler thread's stack out.
  static constexpr int kMaxDepth = 64;
  struct Deeper {
    explicit Deeper(int& d) : d_(d) { ++d_; }
    ~Deeper() { --d_; }
    Deeper(const Deeper&) = delete;
    Deeper& operator=(const Deeper&) = delete;
    int& d_;
  };

  Result<NodePtr> expr_or() {
    Deeper deeper(depth_);
    if (depth_ > kMaxDepth) return fail("$filter: nested deeper than " + std::to_string(kMaxDepth) + " levels");
    auto left = expr_and();
    SS_TRY(left);
    NodePtr l = *left;
    while (word("or")) {
      operand_before_ = false;
      SS_TRY(advance());
      auto right = expr_and();
      SS_TRY(right);
      l = make(Node::Kind::binary, "or", {l, *right});
    }
    return l;
  }

  Result<NodePtr> expr_and() {
    auto left = expr_not();
    SS_TRY(left);
    NodePtr l = *left;
    while (word("and")) {
      operand_before_ = false;
      SS_TRY(advance());
      auto right = expr_not();
      SS_TRY(right);
      l = make(Node::Kind::binary, "and", {l, *right});
    }
    return l;
  }

  Result<NodePtr> expr_not() {
    if (word("not")) {
      Deeper deeper(depth_);
      if (depth_ > kMaxDepth) return fail("$filter: nested deeper than " + std::to_string(kMaxDepth) + " levels");
      operand_before_ = false;
      SS_TRY(advance());
      auto e = expr_not();
      SS_TRY(e);
      return make(Node::Kind::unary, "not", {*e});
    }
    return expr_compare();
  }

  Result<NodePtr> expr_compare() {
    auto left = expr_add();
    SS_TRY(left);
    static const std::set<std::string> ops = {"eq", "ne", "gt", "ge", "lt", "le"};
    if (tok_.kind == Token::Kind::ident && ops.count(tok_.text)) {
      std::string op = tok_.text;
      operand_before_ = false;
      SS_TRY(advance());
      auto right = expr_add();
      SS_TRY(right);
      return make(Node::Kind::binary, op, {*left, *right});
    }
    return left;
  }

  Result<NodePtr> expr_add() {
    auto left = expr_mul();
    SS_TRY(left);
    NodePtr l = *left;
    while (word("add") || word("sub")) {
      std::string op = tok_.text;
      operand_before_ = false;
      SS_TRY(advance());
      auto right = expr_mul();
      SS_TRY(right);
      l = make(Node::Kind::binary, op, {l, *right});
    }
    return l;
  }

  Result<NodePtr> expr_mul() {
    auto left = expr_unary();
    SS_TRY(left);
    NodePtr l = *left;
    while (word("mul") || word("div") || word("mod")) {
      std::string op = tok_.text;
      operand_before_ = false;
      SS_TRY(advance());
      auto right = expr_unary();
      SS_TRY(right);
      l = make(Node::Kind::binary, op, {l, *right});
    }
    return l;
  }

  Result<NodePtr> expr_unary() {
    if (tok_.kind == Token::Kind::ident && tok_.text == "-") {
      Deeper deeper(depth_);
      if (depth_ > kMaxDepth) return fail("$filter: nested deeper than " + std::to_string(kMaxDepth) + " levels");
      SS_TRY(advance());
      auto e = expr_unary();
      SS_TRY(e);
      return make(Node::Kind::unary, "-", {*e});
    }
    return primary();
  }

  Result<NodePtr> primary() {
    switch (tok_.kind) {
      case Token::Kind::open: {
        operand_before_ = false;
        SS_TRY(advance());
        auto e = expr_or();
        SS_TRY(e);
        if (tok_.kind != Token::Kind::close) return error("')'");
        operand_before_ = true;
        SS_TRY(advance());
        return e;
      }
      case Token::Kind::number:
      case Token::Kind::text:
      case Token::Kind::time: {
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::literal;
        n->value = tok_.value;
        operand_before_ = true;
        SS_TRY(advance());
        return NodePtr(n);
      }
      case Token::Kind::ident:
        return identifier();
      default:
        return error("a value, a property or a function");
    }
  }

  Result<NodePtr> identifier() {
    std::string name = tok_.text;
    const size_t at = tok_.at;
    operand_before_ = true;
    SS_TRY(advance());
    if (name == "true" || name == "false" || name == "null") {
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::literal;
      if (name != "null") n->value = Value::of(name == "true");
      return NodePtr(n);
    }
    if (tok_.kind != Token::Kind::open) {
      static const std::set<std::string> reserved = {"eq", "ne",  "gt",  "ge",  "lt",  "le",  "and",
                                                     "or", "not", "add", "sub", "mul", "div", "mod"};
      if (reserved.count(name))
        return fail("$filter: '" + name + "' at character " + std::to_string(at) + " needs a value before it");
      if (std::find(paths_->begin(), paths_->end(), name) == paths_->end()) paths_->push_back(name);
      return make(Node::Kind::path, name, {});
    }
    // A function call.
    if (name.rfind("st_", 0) == 0 || name.rfind("geo.", 0) == 0)
      return fail("$filter: the geospatial function " + name + " is not supported by this server");
    static const std::set<std::string> known = {"substringof", "startswith",
                                                "endswith",    "length",
                                                "indexof",     "substring",
                                                "tolower",     "toupper",
                                                "trim",        "concat",
                                                "year",        "month",
                                                "day",         "hour",
                                                "minute",      "second",
                                                "date",        "time",
                                                "now",         "fractionalseconds",
                                                "mindatetime", "maxdatetime",
                                                "round",       "floor",
                                                "ceiling",     "totaloffsetminutes"};
    if (!known.count(name)) return fail("$filter: unknown function " + name + "()");
    operand_before_ = false;
    SS_TRY(advance());
    std::vector<NodePtr> args;
    if (tok_.kind != Token::Kind::close) {
      for (;;) {
        auto a = expr_or();
        SS_TRY(a);
        args.push_back(*a);
        if (tok_.kind == Token::Kind::comma) {
          operand_before_ = false;
          SS_TRY(advance());
          continue;
        }
        break;
      }
    }
    if (tok_.kind != Token::Kind::close) return error("',' or ')' in the arguments of " + name + "()");
    operand_before_ = true;
    SS_TRY(advance());
    static const std::vector<std::pair<std::string, std::pair<size_t, size_t>>> arity = {
        {"substringof", {2, 2}},
        {"startswith", {2, 2}},
        {"endswith", {2, 2}},
        {"length", {1, 1}},
        {"indexof", {2, 2}},
        {"substring", {2, 3}},
        {"tolower", {1, 1}},
        {"toupper", {1, 1}},
        {"trim", {1, 1}},
        {"concat", {2, 2}},
        {"now", {0, 0}},
        {"mindatetime", {0, 0}},
        {"maxdatetime", {0, 0}},
        {"round", {1, 1}},
        {"floor", {1, 1}},
        {"ceiling", {1, 1}},
        {"year", {1, 1}},
        {"month", {1, 1}},
        {"day", {1, 1}},
        {"hour", {1, 1}},
        {"minute", {1, 1}},
        {"second", {1, 1}},
        {"fractionalseconds", {1, 1}},
        {"date", {1, 1}},
        {"time", {1, 1}},
        {"totaloffsetminutes", {1, 1}}};
    for (const auto& [fn, range] : arity)
      if (fn == name && (args.size() < range.first || args.size() > range.second))
        return fail("$filter: " + name + "() takes " + std::to_string(range.first) +
                    (range.second != range.first ? "–" + std::to_string(range.second) : "") + " argument" +
                    (range.second == 1 ? "" : "s") + ", not " + std::to_string(args.size()));
    return make(Node::Kind::call, name, std::move(args));
  }

  std::string_view s_;
  size_t pos_ = 0;
  Token tok_;
  bool operand_before_ = false;  // a '-' after an operand is subtraction's word form only ("sub")
  int depth_ = 0;
  std::vector<std::string>* paths_ = nullptr;
};

// ---- evaluation ---------------------------------------------------------------------------------

struct Civil {
  int year, month, day, hour, minute, second, ms;
};

// The time's calendar fields in the offset it was written with (OData: DateTimeOffset as given).
Civil civil(const Value& t) {
  int64_t local = t.ms + int64_t{t.offset} * 60000;
  int64_t days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
  int64_t rest = local - days * 86400000;
  Date d = Date::from_days(static_cast<long>(days));
  return {d.year,
          d.month,
          d.day,
          static_cast<int>(rest / 3600000),
          static_cast<int>(rest / 60000 % 60),
          static_cast<int>(rest / 1000 % 60),
          static_cast<int>(rest % 1000)};
}

// UTF-8 code points: lengths and indexes count characters, not bytes.
std::vector<size_t> char_starts(const std::string& s) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  return starts;
}

Value as_time_if_text(const Value& v) {
  if (v.kind != Value::Kind::text) return v;
  auto t = parse_time(v.text);
  return t ? *t : v;
}

}  // namespace

std::optional<int> compare(const Value& x, const Value& y) {
  Value a = x, b = y;
  if (a.kind == Value::Kind::time || b.kind == Value::Kind::time) {
    a = as_time_if_text(a);
    b = as_time_if_text(b);
  }
  if (a.kind != b.kind) return std::nullopt;
  switch (a.kind) {
    case Value::Kind::number:
      return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
    case Value::Kind::text:
      return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
    case Value::Kind::time:
      return a.ms < b.ms ? -1 : a.ms > b.ms ? 1 : 0;
    case Value::Kind::boolean:
      return a.boolean == b.boolean ? 0 : a.boolean ? 1 : -1;
    default:
      return 0;  // null and null
  }
}

namespace {

Result<Value> eval(const Node& n, const Resolver& resolve);

Result<Value> eval_call(const Node& n, const Resolver& resolve) {
  std::vector<Value> a;
  for (const auto& arg : n.args) {
    auto v = eval(*arg, resolve);
    SS_TRY(v);
    a.push_back(std::move(*v));
  }
  const std::string& f = n.name;
  if (f == "now") return Value::time(unix_now() * 1000, 8 * 60);
  if (f == "mindatetime") return Value::time(-62135596800000, 0);  // 0001-01-01T00:00:00Z
  if (f == "maxdatetime") return Value::time(253402300799999, 0);  // 9999-12-31T23:59:59.999Z
  for (const auto& v : a)
    if (v.kind == Value::Kind::null) return Value{};  // a function of null is null
  auto text = [&](size_t i) -> Result<std::string> {
    if (a[i].kind != Value::Kind::text)
      return fail("$filter: " + f + "() takes a text as argument " + std::to_string(i + 1));
    return a[i].text;
  };
  auto number = [&](size_t i) -> Result<double> {
    if (a[i].kind != Value::Kind::number)
      return fail("$filter: " + f + "() takes a number as argument " + std::to_string(i + 1));
    return a[i].number;
  };
  if (f == "substringof" || f == "startswith" || f == "endswith" || f == "indexof" || f == "concat") {
    auto x = text(0);
    SS_TRY(x);
    auto y = text(1);
    SS_TRY(y);
    if (f == "substringof") return Value::of(y->find(*x) != std::string::npos);  // is arg 1 in arg 2
    if (f == "startswith") return Value::of(x->rfind(*y, 0) == 0);
    if (f == "endswith")
      return Value::of(x->size() >= y->size() && x->compare(x->size() - y->size(), y->size(), *y) == 0);
    if (f == "concat") return Value::of(*x + *y);
    size_t at = x->find(*y);
    if (at == std::string::npos) return Value::of(-1.0);
    auto starts = char_starts(*x);
    return Value::of(static_cast<double>(std::lower_bound(starts.begin(), starts.end(), at) - starts.begin()));
  }
  if (f == "length" || f == "tolower" || f == "toupper" || f == "trim" || f == "substring") {
    auto x = text(0);
    SS_TRY(x);
    auto starts = char_starts(*x);
    if (f == "length") return Value::of(static_cast<double>(starts.size()));
    if (f == "trim") {
      size_t b = x->find_first_not_of(" \t\r\n"), e = x->find_last_not_of(" \t\r\n");
      return Value::of(b == std::string::npos ? std::string() : x->substr(b, e - b + 1));
    }
    if (f == "tolower" || f == "toupper") {
      std::string out = *x;
      for (char& c : out)
        if (f == "tolower" ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z')) c = static_cast<char>(c ^ 0x20);
      return Value::of(out);
    }
    auto from = number(1);
    SS_TRY(from);
    size_t first = static_cast<size_t>(std::clamp(*from, 0.0, static_cast<double>(starts.size())));
    size_t count = starts.size() - first;
    if (a.size() == 3) {
      auto n_chars = number(2);
      SS_TRY(n_chars);
      count = std::min(count, static_cast<size_t>(std::max(0.0, *n_chars)));
    }
    size_t b = first < starts.size() ? starts[first] : x->size();
    size_t e = first + count < starts.size() ? starts[first + count] : x->size();
    return Value::of(x->substr(b, e - b));
  }
  if (f == "round" || f == "floor" || f == "ceiling") {
    auto x = number(0);
    SS_TRY(x);
    return Value::of(f == "round" ? std::round(*x) : f == "floor" ? std::floor(*x) : std::ceil(*x));
  }
  // Date and time parts.
  Value t = as_time_if_text(a[0]);
  if (t.kind != Value::Kind::time) return fail("$filter: " + f + "() takes a date-time");
  Civil c = civil(t);
  if (f == "year") return Value::of(static_cast<double>(c.year));
  if (f == "month") return Value::of(static_cast<double>(c.month));
  if (f == "day") return Value::of(static_cast<double>(c.day));
  if (f == "hour") return Value::of(static_cast<double>(c.hour));
  if (f == "minute") return Value::of(static_cast<double>(c.minute));
  if (f == "second") return Value::of(static_cast<double>(c.second));
  if (f == "fractionalseconds") return Value::of(c.ms / 1000.0);
  if (f == "totaloffsetminutes") return Value::of(static_cast<double>(t.offset));
  char buf[32];
  if (f == "date") {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
    return Value::of(std::string(buf));
  }
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", c.hour, c.minute, c.second);  // time()
  return Value::of(std::string(buf));
}

Result<Value> eval(const Node& n, const Resolver& resolve) {
  switch (n.kind) {
    case Node::Kind::literal:
      return n.value;
    case Node::Kind::path:
      return resolve(n.name);
    case Node::Kind::call:
      return eval_call(n, resolve);
    case Node::Kind::unary: {
      auto v = eval(*n.args[0], resolve);
      SS_TRY(v);
      if (n.name == "not") return Value::of(!(v->kind == Value::Kind::boolean && v->boolean));
      if (v->kind == Value::Kind::null) return Value{};
      if (v->kind != Value::Kind::number) return fail("$filter: '-' takes a number");
      return Value::of(-v->number);
    }
    case Node::Kind::binary:
      break;
  }
  const std::string& op = n.name;
  auto l = eval(*n.args[0], resolve);
  SS_TRY(l);
  if (op == "and" || op == "or") {  // short-circuit; a null or non-boolean side is false
    bool left = l->kind == Value::Kind::boolean && l->boolean;
    if (op == "and" ? !left : left) return Value::of(left);
    auto r = eval(*n.args[1], resolve);
    SS_TRY(r);
    return Value::of(r->kind == Value::Kind::boolean && r->boolean);
  }
  auto r = eval(*n.args[1], resolve);
  SS_TRY(r);
  if (op == "eq" || op == "ne") {
    bool nulls = l->kind == Value::Kind::null || r->kind == Value::Kind::null;
    bool same = nulls ? l->kind == r->kind : compare(*l, *r) == 0;
    return Value::of(op == "eq" ? same : !same);
  }
  if (op == "gt" || op == "ge" || op == "lt" || op == "le") {
    auto o = compare(*l, *r);
    if (!o || l->kind == Value::Kind::null || r->kind == Value::Kind::null) return Value::of(false);
    return Value::of(op == "gt" ? *o > 0 : op == "ge" ? *o >= 0 : op == "lt" ? *o < 0 : *o <= 0);
  }
  // Arithmetic.
  if (l->kind == Value::Kind::null || r->kind == Value::Kind::null) return Value{};
  if (l->kind != Value::Kind::number || r->kind != Value::Kind::number)
    return fail("$filter: '" + op + "' takes two numbers");
  double x = l->number, y = r->number;
  if (op == "add") return Value::of(x + y);
  if (op == "sub") return Value::of(x - y);
  if (op == "mul") return Value::of(x * y);
  if (y == 0) return Value{};  // division by zero: no value, so the comparison around it is false
  if (op == "div") return Value::of(x / y);
  return Value::of(std::fmod(x, y));
}

}  // namespace

Result<Value> parse_time(std::string_view s) {
  auto bad = [&](const char* why) {
    return fail("'" + std::string(s.substr(0, 40)) + "' is not a date-time (" + why + ")");
  };
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return bad("YYYY-MM-DD");
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!digit(s[i])) return bad("YYYY-MM-DD");
  int year = std::stoi(std::string(s.substr(0, 4))), month = two(s, 5), day = two(s, 8);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return bad("no such day");
  int64_t ms = static_cast<int64_t>(Date{year, month, day}.days()) * 86400000;
  if (s.size() == 10) return Value::time(ms, 0);
  if (s[10] != 'T' || s.size() < 16 || s[13] != ':') return bad("THH:MM[:SS]");
  for (size_t i : {11, 12, 14, 15})
    if (!digit(s[i])) return bad("THH:MM[:SS]");
  int hour = two(s, 11), minute = two(s, 14), second = 0, millis = 0;
  size_t at = 16;
  if (at < s.size() && s[at] == ':') {
    if (at + 3 > s.size() || !digit(s[at + 1]) || !digit(s[at + 2])) return bad("seconds");
    second = two(s, at + 1);
    at += 3;
    if (at < s.size() && s[at] == '.') {
      int scale = 100;
      for (++at; at < s.size() && digit(s[at]); ++at, scale /= 10) millis += (s[at] - '0') * scale;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return bad("no such time");
  int offset = 0;
  if (at < s.size() && s[at] == 'Z') {
    ++at;
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':' && digit(s[at + 1]) &&
             digit(s[at + 2]) && digit(s[at + 4]) && digit(s[at + 5])) {
    offset = (two(s, at + 1) * 60 + two(s, at + 4)) * (s[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return bad("a time zone: Z or ±hh:mm");
  }
  if (at != s.size()) return bad("trailing characters");
  ms += ((hour * 60 + minute) * 60 + second) * int64_t{1000} + millis - int64_t{offset} * 60000;
  return Value::time(ms, offset);
}

Result<Filter> Filter::parse(std::string_view text) {
  if (text.size() > 4096) return fail("$filter: longer than 4,096 characters");
  Filter f;
  Parser p(text);
  auto root = p.parse(f.paths_);
  SS_TRY(root);
  f.root_ = *root;
  return f;
}

namespace {

void collect_conjuncts(const Node& n, Filter::Conjuncts& out) {
  if (n.kind == Node::Kind::binary && n.name == "and") {
    collect_conjuncts(*n.args[0], out);
    collect_conjuncts(*n.args[1], out);
    return;
  }
  static const std::set<std::string> ops = {"eq", "ne", "gt", "ge", "lt", "le"};
  if (n.kind == Node::Kind::binary && ops.count(n.name)) {
    const Node& a = *n.args[0];
    const Node& b = *n.args[1];
    if (a.kind == Node::Kind::path && b.kind == Node::Kind::literal) {
      out.comparisons.push_back({a.name, n.name, b.value});
      return;
    }
    if (a.kind == Node::Kind::literal && b.kind == Node::Kind::path) {  // 5 lt result: result gt 5
      static const std::map<std::string, std::string> turned = {{"eq", "eq"}, {"ne", "ne"}, {"gt", "lt"},
                                                                {"ge", "le"}, {"lt", "gt"}, {"le", "ge"}};
      out.comparisons.push_back({b.name, turned.at(n.name), a.value});
      return;
    }
  }
  out.complete = false;
}

}  // namespace

Filter::Conjuncts Filter::conjuncts() const {
  Conjuncts out;
  if (root_) collect_conjuncts(*root_, out);
  return out;
}

Result<bool> Filter::matches(const Resolver& resolve) const {
  auto v = eval(*root_, resolve);
  SS_TRY(v);
  return v->kind == Value::Kind::boolean && v->boolean;
}

}  // namespace shanshui::service::sta
