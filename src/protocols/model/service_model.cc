#include "protocols/model/service_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <limits>
#include <unordered_map>
#include <utility>

namespace amiplace::model {

namespace bj = boost::json;

namespace {

// ---------------------------------------------------------------------------------------------
// UTF-8

// Decodes the code point at s[i] and advances i; an invalid sequence yields U+FFFD, one byte.
char32_t NextCodePoint(std::string_view s, size_t& i, bool* valid = nullptr) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  size_t n = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 1, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3, cp = c & 0x07, min = 0x10000;
  }
  bool ok = n != 0 && i + n < s.size();  // the n continuation bytes are there
  for (size_t k = 1; ok && k <= n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) ok = false;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
  if (valid != nullptr && !ok) *valid = false;
  if (!ok) {
    ++i;
    return 0xFFFD;
  }
  i += n + 1;
  return cp;
}

bool IsValidUtf8(std::string_view s) {
  bool valid = true;
  for (size_t i = 0; i < s.size() && valid;) NextCodePoint(s, i, &valid);
  return valid;
}

size_t CodePointCount(std::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Pattern: parser (Java syntax) → AST → Thompson program; Pike-style simulation without captures.

namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr size_t kMaxProgram = 20000;  // instructions; LicenseArn needs ~2,500
constexpr int kMaxRepeat = 5000;
constexpr int kMaxNesting = 64;

// A set of code points: a bitmap for ASCII, sorted disjoint ranges above it.
struct CharSet {
  uint64_t ascii[2] = {0, 0};
  std::vector<std::pair<char32_t, char32_t>> wide;

  bool Contains(char32_t c) const {
    if (c < 128) return (ascii[c >> 6] >> (c & 63)) & 1;
    for (const auto& [lo, hi] : wide) {
      if (c < lo) return false;
      if (c <= hi) return true;
    }
    return false;
  }
  void AddRange(char32_t a, char32_t b) {
    for (char32_t c = a; c <= b && c < 128; ++c) ascii[c >> 6] |= uint64_t{1} << (c & 63);
    if (b >= 128) wide.emplace_back(std::max<char32_t>(a, 128), b);
  }
  void Add(const CharSet& o) {
    ascii[0] |= o.ascii[0];
    ascii[1] |= o.ascii[1];
    wide.insert(wide.end(), o.wide.begin(), o.wide.end());
  }
  void Normalize() {
    std::sort(wide.begin(), wide.end());
    std::vector<std::pair<char32_t, char32_t>> merged;
    for (const auto& r : wide) {
      if (!merged.empty() && r.first <= merged.back().second + 1) {
        merged.back().second = std::max(merged.back().second, r.second);
      } else {
        merged.push_back(r);
      }
    }
    wide = std::move(merged);
  }
  void Negate() {
    Normalize();
    ascii[0] = ~ascii[0];
    ascii[1] = ~ascii[1];
    std::vector<std::pair<char32_t, char32_t>> out;
    char32_t next = 128;
    for (const auto& [lo, hi] : wide) {
      if (lo > next) out.emplace_back(next, lo - 1);
      next = hi + 1;
    }
    if (next <= kMaxCodePoint) out.emplace_back(next, kMaxCodePoint);
    wide = std::move(out);
  }
};

CharSet RangeSet(std::initializer_list<std::pair<char32_t, char32_t>> ranges, bool negate = false) {
  CharSet s;
  for (const auto& [a, b] : ranges) s.AddRange(a, b);
  if (negate) s.Negate();
  s.Normalize();
  return s;
}

// Java's predefined classes, ASCII-only as in java.util.regex without UNICODE_CHARACTER_CLASS.
CharSet DigitSet(bool neg) { return RangeSet({{'0', '9'}}, neg); }
CharSet WordSet(bool neg) {
  return RangeSet({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'_', '_'}}, neg);
}
CharSet SpaceSet(bool neg) { return RangeSet({{' ', ' '}, {'\t', '\r'}}, neg); }  // \t \n \v \f \r
CharSet DotSet() {
  return RangeSet({{'\n', '\n'}, {'\r', '\r'}, {0x85, 0x85}, {0x2028, 0x2029}}, true);
}

struct Node {
  enum class Kind : uint8_t { kEmpty, kSet, kConcat, kAlt, kRepeat, kBol, kEol };
  Kind kind = Kind::kEmpty;
  int set = -1;
  int min = 0, max = 0;  // kRepeat; max < 0 = unbounded
  std::vector<Node> kids;
};

class Parser {
 public:
  explicit Parser(std::u32string p) : p_(std::move(p)) {}

  Status Parse(Node& root) {
    AMIPLACE_RETURN_IF_ERROR(ParseAlt(root, 0));
    if (i_ != p_.size()) return Error("unbalanced ')'");
    return Status::Ok();
  }

  std::vector<CharSet> sets;
  bool approximate = false;

 private:
  Status Error(std::string_view what) const {
    return ValidationError(fmt::format("{} at offset {}", what, i_));
  }
  bool AtEnd() const { return i_ >= p_.size(); }
  char32_t Peek(size_t ahead = 0) const {
    return i_ + ahead < p_.size() ? p_[i_ + ahead] : char32_t{0};
  }
  int AddSet(CharSet s) {
    s.Normalize();
    sets.push_back(std::move(s));
    return static_cast<int>(sets.size() - 1);
  }

  Status ParseAlt(Node& out, int depth) {
    if (depth > kMaxNesting) return Error("groups nested too deeply");
    Node first;
    AMIPLACE_RETURN_IF_ERROR(ParseConcat(first, depth));
    if (Peek() != '|' || AtEnd()) {
      out = std::move(first);
      return Status::Ok();
    }
    out.kind = Node::Kind::kAlt;
    out.kids.push_back(std::move(first));
    while (!AtEnd() && Peek() == '|') {
      ++i_;
      Node next;
      AMIPLACE_RETURN_IF_ERROR(ParseConcat(next, depth));
      out.kids.push_back(std::move(next));
    }
    return Status::Ok();
  }

  Status ParseConcat(Node& out, int depth) {
    out.kind = Node::Kind::kConcat;
    while (!AtEnd() && Peek() != '|' && Peek() != ')') {
      Node atom;
      AMIPLACE_RETURN_IF_ERROR(ParseAtom(atom, depth));
      AMIPLACE_RETURN_IF_ERROR(ParseQuantifier(atom));
      out.kids.push_back(std::move(atom));
    }
    return Status::Ok();
  }

  Status ParseAtom(Node& out, int depth) {
    const char32_t c = p_[i_++];
    switch (c) {
      case '(': {
        if (Peek() == '?') {
          if (Peek(1) != ':') return Error("unsupported group construct '(?'");
          i_ += 2;
        }
        AMIPLACE_RETURN_IF_ERROR(ParseAlt(out, depth + 1));
        if (AtEnd() || Peek() != ')') return Error("unclosed group");
        ++i_;
        return Status::Ok();
      }
      case '[': {
        CharSet s;
        AMIPLACE_RETURN_IF_ERROR(ParseClass(s));
        out.kind = Node::Kind::kSet;
        out.set = AddSet(std::move(s));
        return Status::Ok();
      }
      case '.':
        out.kind = Node::Kind::kSet;
        out.set = AddSet(DotSet());
        return Status::Ok();
      case '^':
        out.kind = Node::Kind::kBol;
        return Status::Ok();
      case '$':
        out.kind = Node::Kind::kEol;
        return Status::Ok();
      case '*':
      case '+':
      case '?':
      case '{':
        --i_;
        return Error("quantifier without an operand");
      case '\\': {
        CharSet s;
        char32_t ch = 0;
        bool is_set = false;
        AMIPLACE_RETURN_IF_ERROR(ParseEscape(s, ch, is_set));
        if (!is_set) s.AddRange(ch, ch);
        out.kind = Node::Kind::kSet;
        out.set = AddSet(std::move(s));
        return Status::Ok();
      }
      default: {
        CharSet s;
        s.AddRange(c, c);
        out.kind = Node::Kind::kSet;
        out.set = AddSet(std::move(s));
        return Status::Ok();
      }
    }
  }

  Status ParseNumber(int& n) {
    if (AtEnd() || Peek() < '0' || Peek() > '9') return Error("malformed {n,m} quantifier");
    n = 0;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
      n = n * 10 + static_cast<int>(p_[i_++] - '0');
      if (n > kMaxRepeat) return Error("repetition count too large");
    }
    return Status::Ok();
  }

  Status ParseQuantifier(Node& atom) {
    if (AtEnd()) return Status::Ok();
    int min = 0, max = 0;
    switch (Peek()) {
      case '*':
        min = 0, max = -1, ++i_;
        break;
      case '+':
        min = 1, max = -1, ++i_;
        break;
      case '?':
        min = 0, max = 1, ++i_;
        break;
      case '{': {
        ++i_;
        AMIPLACE_RETURN_IF_ERROR(ParseNumber(min));
        max = min;
        if (Peek() == ',') {
          ++i_;
          if (Peek() == '}') {
            max = -1;
          } else {
            AMIPLACE_RETURN_IF_ERROR(ParseNumber(max));
            if (max < min) return Error("{n,m} with m < n");
          }
        }
        if (AtEnd() || Peek() != '}') return Error("malformed {n,m} quantifier");
        ++i_;
        break;
      }
      default:
        return Status::Ok();
    }
    if (Peek() == '+' && !AtEnd()) return Error("possessive quantifiers are not supported");
    if (Peek() == '?' && !AtEnd()) ++i_;  // lazy: same language when nothing is captured
    if (!AtEnd() && (Peek() == '*' || Peek() == '+' || Peek() == '?' || Peek() == '{')) {
      return Error("repeated quantifier");
    }
    if (atom.kind == Node::Kind::kBol || atom.kind == Node::Kind::kEol) {
      return Error("quantified anchor");
    }
    Node rep;
    rep.kind = Node::Kind::kRepeat;
    rep.min = min;
    rep.max = max;
    rep.kids.push_back(std::move(atom));
    atom = std::move(rep);
    return Status::Ok();
  }

  Status ParseHex(int digits, char32_t& out) {
    out = 0;
    for (int k = 0; k < digits; ++k) {
      const char32_t h = Peek();
      int v = -1;
      if (h >= '0' && h <= '9') v = static_cast<int>(h - '0');
      if (h >= 'a' && h <= 'f') v = static_cast<int>(h - 'a' + 10);
      if (h >= 'A' && h <= 'F') v = static_cast<int>(h - 'A' + 10);
      if (AtEnd() || v < 0) return Error("malformed hex escape");
      out = out * 16 + static_cast<char32_t>(v);
      ++i_;
    }
    return Status::Ok();
  }

  Status Property(std::string_view name, CharSet& s) {
    if (name == "L" || name == "IsL" || name == "N" || name == "IsN" || name == "Z" ||
        name == "IsZ") {
      // Exact on ASCII; every non-ASCII code point passes (no Unicode tables).
      approximate = true;
      const char c = name.back();
      if (c == 'L') s = RangeSet({{'a', 'z'}, {'A', 'Z'}});
      if (c == 'N') s = DigitSet(false);
      if (c == 'Z') s = RangeSet({{' ', ' '}});
      s.AddRange(0x80, kMaxCodePoint);
      return Status::Ok();
    }
    // POSIX classes, US-ASCII only in Java.
    if (name == "Lower")
      s = RangeSet({{'a', 'z'}});
    else if (name == "Upper")
      s = RangeSet({{'A', 'Z'}});
    else if (name == "ASCII")
      s = RangeSet({{0, 0x7F}});
    else if (name == "Alpha")
      s = RangeSet({{'a', 'z'}, {'A', 'Z'}});
    else if (name == "Digit")
      s = DigitSet(false);
    else if (name == "Alnum")
      s = RangeSet({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}});
    else if (name == "Punct")
      s = RangeSet({{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}});
    else if (name == "Space")
      s = SpaceSet(false);
    else
      return Error(fmt::format("unsupported property \\p{{{}}}", name));
    return Status::Ok();
  }

  // After a backslash: a class (is_set) or one code point.
  Status ParseEscape(CharSet& s, char32_t& ch, bool& is_set) {
    if (AtEnd()) return Error("trailing backslash");
    const char32_t c = p_[i_++];
    is_set = true;
    switch (c) {
      case 'd':
        s = DigitSet(false);
        return Status::Ok();
      case 'D':
        s = DigitSet(true);
        return Status::Ok();
      case 'w':
        s = WordSet(false);
        return Status::Ok();
      case 'W':
        s = WordSet(true);
        return Status::Ok();
      case 's':
        s = SpaceSet(false);
        return Status::Ok();
      case 'S':
        s = SpaceSet(true);
        return Status::Ok();
      case 'p': {
        std::string name;
        if (Peek() == '{') {
          ++i_;
          while (!AtEnd() && Peek() != '}') name += static_cast<char>(p_[i_++] & 0x7F);
          if (AtEnd()) return Error("unclosed \\p{");
          ++i_;
        } else if (!AtEnd()) {
          name += static_cast<char>(p_[i_++] & 0x7F);
        }
        return Property(name, s);
      }
      default:
        break;
    }
    is_set = false;
    switch (c) {
      case 't':
        ch = '\t';
        return Status::Ok();
      case 'n':
        ch = '\n';
        return Status::Ok();
      case 'r':
        ch = '\r';
        return Status::Ok();
      case 'f':
        ch = '\f';
        return Status::Ok();
      case 'a':
        ch = 0x07;
        return Status::Ok();
      case 'e':
        ch = 0x1B;
        return Status::Ok();
      case 'u':
        return ParseHex(4, ch);
      case 'x':
        return ParseHex(2, ch);
      default:
        break;
    }
    if (c < 128 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      --i_;
      return Error(fmt::format("unsupported escape \\{}", static_cast<char>(c)));
    }
    ch = c;  // an escaped punctuation character stands for itself
    return Status::Ok();
  }

  // After '['.
  Status ParseClass(CharSet& out) {
    bool negate = false;
    if (Peek() == '^' && !AtEnd()) {
      negate = true;
      ++i_;
    }
    if (Peek() == ']') return Error("empty character class");
    for (;;) {
      if (AtEnd()) return Error("unclosed character class");
      const char32_t c = Peek();
      if (c == ']') {
        ++i_;
        break;
      }
      if (c == '[') return Error("nested character classes are not supported");
      if (c == '&' && Peek(1) == '&') return Error("class intersection is not supported");
      CharSet item;
      char32_t lo = 0;
      bool is_set = false;
      AMIPLACE_RETURN_IF_ERROR(ParseClassItem(item, lo, is_set));
      if (is_set) {
        out.Add(item);
        continue;
      }
      if (Peek() == '-' && Peek(1) != ']' && i_ + 1 < p_.size()) {
        ++i_;
        char32_t hi = 0;
        AMIPLACE_RETURN_IF_ERROR(ParseClassItem(item, hi, is_set));
        if (is_set) return Error("a class cannot end a range");
        if (hi < lo) return Error("range out of order");
        out.AddRange(lo, hi);
      } else {
        out.AddRange(lo, lo);
      }
    }
    if (negate) out.Negate();
    return Status::Ok();
  }

  Status ParseClassItem(CharSet& s, char32_t& ch, bool& is_set) {
    const char32_t c = p_[i_++];
    if (c == '\\') return ParseEscape(s, ch, is_set);
    is_set = false;
    ch = c;
    return Status::Ok();
  }

  std::u32string p_;
  size_t i_ = 0;
};

// Longest match in code points; -1 = unbounded.
int64_t MaxLength(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kSet:
      return 1;
    case Node::Kind::kConcat: {
      int64_t sum = 0;
      for (const Node& k : n.kids) {
        const int64_t m = MaxLength(k);
        if (m < 0) return -1;
        sum += m;
      }
      return sum;
    }
    case Node::Kind::kAlt: {
      int64_t best = 0;
      for (const Node& k : n.kids) {
        const int64_t m = MaxLength(k);
        if (m < 0) return -1;
        best = std::max(best, m);
      }
      return best;
    }
    case Node::Kind::kRepeat: {
      const int64_t m = MaxLength(n.kids[0]);
      if (m == 0) return 0;
      if (m < 0 || n.max < 0) return -1;
      return m * n.max;
    }
    default:
      return 0;
  }
}

bool AnchoredBothEnds(const Node& n) {
  return n.kind == Node::Kind::kConcat && n.kids.size() >= 2 &&
         n.kids.front().kind == Node::Kind::kBol && n.kids.back().kind == Node::Kind::kEol;
}

enum class Op : uint8_t { kSet, kSplit, kJmp, kBol, kEol, kMatch };
struct Inst {
  Op op;
  int32_t x = 0;  // kSet: set index; kSplit/kJmp: target
  int32_t y = 0;  // kSplit: second target
};

class Emitter {
 public:
  std::vector<Inst> insts;
  bool overflow = false;

  int Push(Inst in) {
    if (insts.size() >= kMaxProgram) {
      overflow = true;
      return 0;
    }
    insts.push_back(in);
    return static_cast<int>(insts.size() - 1);
  }
  int Here() const { return static_cast<int>(insts.size()); }

  void Emit(const Node& n) {
    if (overflow) return;
    switch (n.kind) {
      case Node::Kind::kEmpty:
        return;
      case Node::Kind::kSet:
        Push({Op::kSet, n.set, 0});
        return;
      case Node::Kind::kBol:
        Push({Op::kBol});
        return;
      case Node::Kind::kEol:
        Push({Op::kEol});
        return;
      case Node::Kind::kConcat:
        for (const Node& k : n.kids) Emit(k);
        return;
      case Node::Kind::kAlt: {
        std::vector<int> jumps;
        for (size_t k = 0; k < n.kids.size() && !overflow; ++k) {
          if (k + 1 == n.kids.size()) {
            Emit(n.kids[k]);
            break;
          }
          const int split = Push({Op::kSplit, Here() + 1, 0});
          Emit(n.kids[k]);
          jumps.push_back(Push({Op::kJmp}));
          if (!overflow) insts[split].y = Here();
        }
        if (!overflow) {
          for (const int j : jumps) insts[j].x = Here();
        }
        return;
      }
      case Node::Kind::kRepeat: {
        for (int k = 0; k < n.min && !overflow; ++k) Emit(n.kids[0]);
        if (n.max < 0) {
          const int loop = Push({Op::kSplit, Here() + 1, 0});
          Emit(n.kids[0]);
          Push({Op::kJmp, loop});
          if (!overflow) insts[loop].y = Here();
          return;
        }
        // x{0,k} as (x(x(x)?)?)?: every skip jumps to the end, so few threads stay alive.
        std::vector<int> splits;
        for (int k = n.min; k < n.max && !overflow; ++k) {
          splits.push_back(Push({Op::kSplit, Here() + 1, 0}));
          Emit(n.kids[0]);
        }
        if (!overflow) {
          for (const int s : splits) insts[s].y = Here();
        }
        return;
      }
    }
  }
};

// Per-thread simulation buffers: two sparse sets of program counters and a work stack.
struct ThreadList {
  std::vector<uint32_t> dense, sparse;
  size_t n = 0;
  void Reserve(size_t size) {
    if (sparse.size() < size) {
      sparse.resize(size);
      dense.resize(size);
    }
  }
  bool Contains(uint32_t pc) const { return sparse[pc] < n && dense[sparse[pc]] == pc; }
  void Insert(uint32_t pc) {
    sparse[pc] = static_cast<uint32_t>(n);
    dense[n++] = pc;
  }
};

struct Scratch {
  ThreadList a, b;
  std::vector<uint32_t> stack;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

}  // namespace

struct Pattern::Program {
  std::string source;
  std::vector<Inst> insts;
  std::vector<CharSet> sets;
  bool anchored_start = false;
  bool approximate = false;
  bool single_code_point = false;

  // Bit-parallel form, used when there are at most 63 kSet instructions (every marketplace
  // pattern but LicenseArn): bit k of a state mask is the k-th kSet instruction, kAccept means a
  // match was reached. follow[k][at_end] is what consuming a character in state k leads to.
  static constexpr uint64_t kAccept = uint64_t{1} << 63;
  bool bit_parallel = false;
  std::vector<int> state_set;  // state → index into sets
  std::vector<std::array<uint64_t, 2>> follow;
  uint64_t start[2] = {0, 0};    // [at_end], at the beginning of the value
  uint64_t restart[2] = {0, 0};  // [at_end], a new attempt later in the value (unanchored)

  void BuildBitParallel() {
    std::vector<int> state_of_pc(insts.size(), -1);
    std::vector<uint32_t> set_pcs;
    for (size_t pc = 0; pc < insts.size(); ++pc) {
      if (insts[pc].op != Op::kSet) continue;
      if (set_pcs.size() == 63) return;
      state_of_pc[pc] = static_cast<int>(set_pcs.size());
      set_pcs.push_back(static_cast<uint32_t>(pc));
      state_set.push_back(insts[pc].x);
    }
    ThreadList list;
    list.Reserve(insts.size());
    std::vector<uint32_t> stack;
    auto closure = [&](uint32_t pc, bool at_begin, bool at_end) {
      list.n = 0;
      uint64_t mask = AddThread(list, stack, pc, at_begin, at_end) ? kAccept : 0;
      for (size_t k = 0; k < list.n; ++k) {
        const int state = state_of_pc[list.dense[k]];
        if (state >= 0) mask |= uint64_t{1} << state;
      }
      return mask;
    };
    for (const int at_end : {0, 1}) {
      start[at_end] = closure(0, true, at_end);
      restart[at_end] = closure(0, false, at_end);
    }
    for (const uint32_t pc : set_pcs)
      follow.push_back({closure(pc + 1, false, false), closure(pc + 1, false, true)});
    bit_parallel = true;
  }

  bool SearchBits(std::string_view s) const {
    uint64_t cur = start[s.empty()];
    if (cur & kAccept) return true;
    size_t i = 0;
    while (i < s.size()) {
      if (cur == 0 && anchored_start) return false;
      const char32_t c = NextCodePoint(s, i);
      const bool at_end = i == s.size();
      uint64_t next = anchored_start ? 0 : restart[at_end];
      for (uint64_t m = cur; m != 0; m &= m - 1) {
        const int k = std::countr_zero(m);
        if (sets[state_set[k]].Contains(c)) next |= follow[k][at_end];
      }
      if (next & kAccept) return true;
      cur = next;
    }
    return false;
  }

  // Adds pc and everything reachable from it without consuming input. True on reaching kMatch.
  bool AddThread(ThreadList& list, std::vector<uint32_t>& stack, uint32_t pc0, bool at_begin,
                 bool at_end) const {
    bool matched = false;
    stack.clear();
    stack.push_back(pc0);
    while (!stack.empty()) {
      const uint32_t pc = stack.back();
      stack.pop_back();
      if (list.Contains(pc)) continue;
      list.Insert(pc);
      const Inst& in = insts[pc];
      switch (in.op) {
        case Op::kJmp:
          stack.push_back(static_cast<uint32_t>(in.x));
          break;
        case Op::kSplit:
          stack.push_back(static_cast<uint32_t>(in.y));
          stack.push_back(static_cast<uint32_t>(in.x));
          break;
        case Op::kBol:
          if (at_begin) stack.push_back(pc + 1);
          break;
        case Op::kEol:
          if (at_end) stack.push_back(pc + 1);
          break;
        case Op::kMatch:
          matched = true;
          break;
        case Op::kSet:
          break;
      }
    }
    return matched;
  }
};

Result<Pattern> Pattern::Compile(std::string_view java_regex) {
  if (!IsValidUtf8(java_regex)) return ValidationError("the pattern is not valid UTF-8");
  std::u32string cps;
  for (size_t i = 0; i < java_regex.size();) cps.push_back(NextCodePoint(java_regex, i));
  Parser parser(std::move(cps));
  Node root;
  AMIPLACE_RETURN_IF_ERROR(parser.Parse(root));
  Emitter emitter;
  emitter.Emit(root);
  emitter.Push({Op::kMatch});
  if (emitter.overflow) return ValidationError("the pattern expands to too many states");
  auto prog = std::make_shared<Program>();
  prog->source = std::string(java_regex);
  prog->insts = std::move(emitter.insts);
  prog->sets = std::move(parser.sets);
  prog->anchored_start = prog->insts.front().op == Op::kBol;
  prog->approximate = parser.approximate;
  prog->single_code_point = AnchoredBothEnds(root) && MaxLength(root) == 1;
  prog->BuildBitParallel();
  return Pattern(std::move(prog));
}

bool Pattern::Search(std::string_view s) const {
  const Program& p = *prog_;
  if (p.bit_parallel) return p.SearchBits(s);
  Scratch& sc = ThreadScratch();
  sc.a.Reserve(p.insts.size());
  sc.b.Reserve(p.insts.size());
  ThreadList* cur = &sc.a;
  ThreadList* next = &sc.b;
  cur->n = 0;
  if (p.AddThread(*cur, sc.stack, 0, true, s.empty())) return true;
  size_t i = 0;
  while (i < s.size()) {
    if (cur->n == 0 && p.anchored_start) return false;
    const char32_t c = NextCodePoint(s, i);
    const bool at_end = i == s.size();
    next->n = 0;
    for (size_t k = 0; k < cur->n; ++k) {
      const uint32_t pc = cur->dense[k];
      const Inst& in = p.insts[pc];
      if (in.op == Op::kSet && p.sets[in.x].Contains(c) &&
          p.AddThread(*next, sc.stack, pc + 1, false, at_end)) {
        return true;
      }
    }
    if (!p.anchored_start && p.AddThread(*next, sc.stack, 0, false, at_end)) return true;
    std::swap(cur, next);
  }
  return false;
}

const std::string& Pattern::source() const { return prog_->source; }
bool Pattern::approximate() const { return prog_->approximate; }
bool Pattern::single_code_point() const { return prog_->single_code_point; }

// ---------------------------------------------------------------------------------------------
// Compiled shapes

namespace {

enum class Kind : uint8_t {
  kString,
  kInteger,
  kFloat,
  kBoolean,
  kTimestamp,
  kBlob,
  kList,
  kMap,
  kStructure,
  kDocument
};
enum class TsFormat : uint8_t { kDefault, kIso8601, kUnix, kRfc822 };
enum class Location : uint8_t { kBody, kQuery, kHeader, kOther };

struct MemberDef {
  std::string name;      // as in the request: "ChangeSet"
  std::string aws_name;  // as AWS's messages spell it: "changeSet"
  std::string location_name;
  int shape = -1;
  Location location = Location::kBody;
  TsFormat ts = TsFormat::kDefault;  // effective format when the member is a timestamp
};

struct ShapeDef {
  std::string name;
  Kind kind = Kind::kDocument;
  bool sensitive = false;
  std::optional<int64_t> min_len, max_len;  // strings (code points), lists, maps
  int64_t min_int = 0, max_int = 0;         // integers, with the type's own range as default
  std::optional<double> min_num, max_num;   // floats
  std::optional<Pattern> pattern;
  std::vector<std::string> enums;
  std::string enum_text;
  int member = -1, key = -1, value = -1;
  std::vector<MemberDef> members;
  std::vector<int> required;  // indexes into members
  bool is_union = false;
  TsFormat ts = TsFormat::kDefault;

  const MemberDef* FindMember(std::string_view n) const {
    for (const MemberDef& m : members) {
      if (m.name == n) return &m;
    }
    return nullptr;
  }
};

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

TsFormat ParseTsFormat(const bj::object& o) {
  const bj::value* f = o.if_contains("timestampFormat");
  if (f == nullptr || !f->is_string()) return TsFormat::kDefault;
  const std::string_view s = f->get_string();
  if (s == "iso8601") return TsFormat::kIso8601;
  if (s == "unixTimestamp") return TsFormat::kUnix;
  if (s == "rfc822") return TsFormat::kRfc822;
  return TsFormat::kDefault;
}

std::optional<int64_t> GetInt(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(std::min<uint64_t>(v->get_uint64(), INT64_MAX));
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return std::nullopt;
}

std::optional<double> GetDouble(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

std::string_view GetStr(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

// A pattern written with doubled backslashes (`\\S`), a model bug: it means a literal backslash.
bool LooksDoubleEscaped(std::string_view p) {
  for (size_t i = 0; i + 2 < p.size(); ++i) {
    if (p[i] == '\\' && p[i + 1] == '\\' &&
        std::string_view("sSdDwWp").find(p[i + 2]) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// Catalog patterns that real clients break: every AWS sample sends Entity.Type "AmiProduct@1.0"
// and refers to an entity created earlier in the same change set as
// "$CreateProductChange.Entity.Identifier". Applied only while the model still has the pattern.
struct PatternFix {
  std::string_view service_id, shape, model_pattern, replacement, reason;
};
constexpr PatternFix kPatternFixes[] = {
    {"Marketplace Catalog", "EntityType", R"(^[a-zA-Z]+$)", R"(^[a-zA-Z]+(@\d+\.\d+)?$)",
     "Entity.Type carries a version (AmiProduct@1.0)"},
    {"Marketplace Catalog", "Identifier", R"(^[\w\-@]+$)",
     R"(^([\w\-@]+|\$\S+\.Entity\.Identifier)$)",
     "an Identifier may refer to an earlier change ($ChangeName.Entity.Identifier)"},
};

}  // namespace

struct ServiceModel::Data {
  std::string service_id;
  std::string protocol, target_prefix;
  std::vector<ShapeDef> shapes;
  std::vector<Operation> operations;
  std::unordered_map<std::string, int, SvHash, std::equal_to<>> ops_by_name;
  std::unordered_map<std::string, std::vector<int>, SvHash, std::equal_to<>> ops_by_path;
  std::vector<PatternIssue> issues;
  TsFormat body_ts = TsFormat::kUnix;  // the protocol's default for body timestamps
};

namespace {

Status LoadShape(ServiceModel::Data& d, const std::unordered_map<std::string, int>& index,
                 const std::string& name, const bj::object& o, ShapeDef& s) {
  auto resolve = [&](const bj::value* ref, int& out) -> Status {
    const bj::object* r = ref != nullptr ? ref->if_object() : nullptr;
    const std::string_view target = r != nullptr ? GetStr(*r, "shape") : std::string_view();
    const auto it = index.find(std::string(target));
    if (it == index.end()) {
      return InternalError(
          fmt::format("service model: shape '{}' refers to an unknown shape '{}'", name, target));
    }
    out = it->second;
    return Status::Ok();
  };
  s.name = name;
  const std::string_view type = GetStr(o, "type");
  const bj::value* sens = o.if_contains("sensitive");
  s.sensitive = sens != nullptr && sens->is_bool() && sens->get_bool();
  s.ts = ParseTsFormat(o);
  s.min_len = GetInt(o, "min");
  s.max_len = GetInt(o, "max");
  if (type == "string") {
    s.kind = Kind::kString;
    if (const bj::value* e = o.if_contains("enum"); e != nullptr && e->is_array()) {
      for (const bj::value& v : e->get_array()) {
        if (v.is_string()) s.enums.emplace_back(v.get_string());
      }
      s.enum_text = "[";
      for (size_t i = 0; i < s.enums.size(); ++i) {
        s.enum_text += (i ? ", " : "") + s.enums[i];
      }
      s.enum_text += "]";
    }
    std::string_view pattern = GetStr(o, "pattern");
    if (!pattern.empty()) {
      ServiceModel::PatternIssue issue{name, std::string(pattern), "", false};
      for (const PatternFix& f : kPatternFixes) {
        if (f.service_id == d.service_id && f.shape == name && f.model_pattern == pattern) {
          pattern = f.replacement;
          issue.reason = fmt::format("replaced by {}: {}", f.replacement, f.reason);
          issue.enforced = true;
        }
      }
      if (LooksDoubleEscaped(pattern)) {
        issue.reason = "doubled backslashes (\\\\S means a literal backslash); not enforced";
      } else if (Result<Pattern> p = Pattern::Compile(pattern); !p.ok()) {
        issue.reason = "not supported: " + p.status().message() + "; not enforced";
      } else if (p->single_code_point() && (!s.max_len || *s.max_len > 1)) {
        issue.reason = "matches one character only, but max length allows more; not enforced";
      } else {
        if (p->approximate()) {
          issue.reason = "\\p{...} exact on ASCII, any non-ASCII character accepted";
          issue.enforced = true;
        }
        s.pattern = std::move(p).value();
      }
      if (!issue.reason.empty()) d.issues.push_back(std::move(issue));
    }
  } else if (type == "integer" || type == "long" || type == "short" || type == "byte") {
    s.kind = Kind::kInteger;
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    if (type == "integer") lo = INT32_MIN, hi = INT32_MAX;
    if (type == "short") lo = INT16_MIN, hi = INT16_MAX;
    if (type == "byte") lo = INT8_MIN, hi = INT8_MAX;
    s.min_int = std::max(lo, s.min_len.value_or(lo));
    s.max_int = std::min(hi, s.max_len.value_or(hi));
  } else if (type == "float" || type == "double" || type == "bigInteger" || type == "bigDecimal") {
    s.kind = Kind::kFloat;
    s.min_num = GetDouble(o, "min");
    s.max_num = GetDouble(o, "max");
  } else if (type == "boolean") {
    s.kind = Kind::kBoolean;
  } else if (type == "timestamp") {
    s.kind = Kind::kTimestamp;
  } else if (type == "blob") {
    s.kind = Kind::kBlob;
  } else if (type == "list") {
    s.kind = Kind::kList;
    AMIPLACE_RETURN_IF_ERROR(resolve(o.if_contains("member"), s.member));
  } else if (type == "map") {
    s.kind = Kind::kMap;
    AMIPLACE_RETURN_IF_ERROR(resolve(o.if_contains("key"), s.key));
    AMIPLACE_RETURN_IF_ERROR(resolve(o.if_contains("value"), s.value));
  } else if (type == "structure" && o.if_contains("document") == nullptr) {
    s.kind = Kind::kStructure;
    const bj::value* u = o.if_contains("union");
    s.is_union = u != nullptr && u->is_bool() && u->get_bool();
    if (const bj::value* ms = o.if_contains("members"); ms != nullptr && ms->is_object()) {
      for (const auto& kv : ms->get_object()) {
        MemberDef m;
        m.name = std::string(kv.key());
        m.aws_name = m.name;
        if (!m.aws_name.empty() && m.aws_name[0] >= 'A' && m.aws_name[0] <= 'Z') {
          m.aws_name[0] = static_cast<char>(m.aws_name[0] - 'A' + 'a');
        }
        AMIPLACE_RETURN_IF_ERROR(resolve(&kv.value(), m.shape));
        const bj::object& mo = kv.value().get_object();
        const std::string_view loc = GetStr(mo, "location");
        m.location = loc.empty()            ? Location::kBody
                     : loc == "querystring" ? Location::kQuery
                     : loc == "header"      ? Location::kHeader
                                            : Location::kOther;
        m.location_name = GetStr(mo, "locationName");
        if (m.location_name.empty()) m.location_name = m.name;
        m.ts = ParseTsFormat(mo);
        s.members.push_back(std::move(m));
      }
    }
    if (const bj::value* req = o.if_contains("required"); req != nullptr && req->is_array()) {
      for (const bj::value& r : req->get_array()) {
        if (!r.is_string()) continue;
        const MemberDef* m = s.FindMember(r.get_string());
        if (m == nullptr) {
          return InternalError(
              fmt::format("service model: shape '{}' requires an unknown member '{}'", name,
                          std::string_view(r.get_string())));
        }
        s.required.push_back(static_cast<int>(m - s.members.data()));
      }
    }
  } else {
    s.kind = Kind::kDocument;  // "document", structures with "document": true, unknown types
  }
  return Status::Ok();
}

}  // namespace

Result<ServiceModel> ServiceModel::Load(std::string_view model_json) {
  boost::system::error_code ec;
  const bj::value root = bj::parse(model_json, ec);
  if (ec || !root.is_object()) {
    return InternalError("service model: not a JSON object" + (ec ? ": " + ec.message() : ""));
  }
  const bj::object& top = root.get_object();
  const bj::value* shapes = top.if_contains("shapes");
  const bj::value* ops = top.if_contains("operations");
  const bj::value* meta = top.if_contains("metadata");
  if (shapes == nullptr || !shapes->is_object() || ops == nullptr || !ops->is_object() ||
      meta == nullptr || !meta->is_object()) {
    return InternalError("service model: missing metadata, operations or shapes");
  }
  auto d = std::make_shared<Data>();
  d->service_id = GetStr(meta->get_object(), "serviceId");
  d->protocol = GetStr(meta->get_object(), "protocol");
  d->target_prefix = GetStr(meta->get_object(), "targetPrefix");
  const bool query_like =
      d->protocol == "query" || d->protocol == "ec2" || d->protocol == "rest-xml";
  d->body_ts = query_like ? TsFormat::kIso8601 : TsFormat::kUnix;

  std::unordered_map<std::string, int> index;
  for (const auto& kv : shapes->get_object()) {
    index.emplace(std::string(kv.key()), static_cast<int>(index.size()));
  }
  d->shapes.resize(index.size());
  for (const auto& kv : shapes->get_object()) {
    if (!kv.value().is_object()) return InternalError("service model: a shape is not an object");
    const int i = index.at(std::string(kv.key()));
    AMIPLACE_RETURN_IF_ERROR(
        LoadShape(*d, index, std::string(kv.key()), kv.value().get_object(), d->shapes[i]));
  }
  // Effective timestamp formats: member, then shape, then location, then protocol.
  for (ShapeDef& s : d->shapes) {
    for (MemberDef& m : s.members) {
      if (m.ts == TsFormat::kDefault) m.ts = d->shapes[m.shape].ts;
      if (m.ts == TsFormat::kDefault) {
        m.ts = m.location == Location::kHeader  ? TsFormat::kRfc822
               : m.location == Location::kQuery ? TsFormat::kIso8601
                                                : d->body_ts;
      }
    }
  }
  for (const auto& kv : ops->get_object()) {
    if (!kv.value().is_object())
      return InternalError("service model: an operation is not an object");
    const bj::object& o = kv.value().get_object();
    Operation op;
    op.name = std::string(kv.key());
    if (const bj::value* http = o.if_contains("http"); http != nullptr && http->is_object()) {
      op.http_method = GetStr(http->get_object(), "method");
      op.request_uri = GetStr(http->get_object(), "requestUri");
    }
    op.path = op.request_uri.substr(0, op.request_uri.find('?'));
    for (const auto& [key, target] :
         {std::pair{"input", &op.input_shape}, std::pair{"output", &op.output_shape}}) {
      if (const bj::value* ref = o.if_contains(key); ref != nullptr && ref->is_object()) {
        *target = GetStr(ref->get_object(), "shape");
      }
    }
    if (!op.input_shape.empty()) {
      const auto it = index.find(op.input_shape);
      if (it == index.end()) {
        return InternalError(fmt::format("service model: operation '{}' has an unknown input '{}'",
                                         op.name, op.input_shape));
      }
      op.input = it->second;
    }
    d->operations.push_back(std::move(op));
  }
  for (size_t i = 0; i < d->operations.size(); ++i) {
    const Operation& op = d->operations[i];
    d->ops_by_name.emplace(op.name, static_cast<int>(i));
    d->ops_by_path[op.path].push_back(static_cast<int>(i));
  }
  return ServiceModel(std::move(d));
}

const std::string& ServiceModel::protocol() const { return d_->protocol; }
const std::string& ServiceModel::target_prefix() const { return d_->target_prefix; }
const std::vector<ServiceModel::Operation>& ServiceModel::operations() const {
  return d_->operations;
}
const std::vector<ServiceModel::PatternIssue>& ServiceModel::pattern_issues() const {
  return d_->issues;
}

const ServiceModel::Operation* ServiceModel::FindOperation(std::string_view name) const {
  const auto it = d_->ops_by_name.find(name);
  return it == d_->ops_by_name.end() ? nullptr : &d_->operations[it->second];
}

const ServiceModel::Operation* ServiceModel::MatchRestOperation(std::string_view method,
                                                                std::string_view path) const {
  const auto it = d_->ops_by_path.find(path);
  if (it == d_->ops_by_path.end()) return nullptr;
  for (const int i : it->second) {
    if (d_->operations[i].http_method == method) return &d_->operations[i];
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Validation

namespace {

constexpr int kMaxListed = 10;
constexpr size_t kMaxEcho = 128;  // bytes of a value echoed in a message

// The path to the value being checked, as a chain of stack frames: nothing is built unless a
// message needs it.
struct PathStep {
  enum class Kind : uint8_t { kMember, kIndex, kKey };
  PathStep(const PathStep* p, Kind k, const MemberDef* m = nullptr)
      : parent(p), kind(k), member(m) {}
  const PathStep* parent;
  Kind kind;
  const MemberDef* member;
  size_t index = 0;
  std::string_view key;
};

// Appends "aws.path' (Spelled.Path" for a path; `extra` adds a member name under it.
void AppendPaths(std::string& out, const PathStep* path, std::string_view extra = {}) {
  std::vector<const PathStep*> steps;
  for (const PathStep* p = path; p != nullptr; p = p->parent) steps.push_back(p);
  std::reverse(steps.begin(), steps.end());
  std::string spelled;
  bool first = true;
  for (const PathStep* p : steps) {
    switch (p->kind) {
      case PathStep::Kind::kMember:
        out += first ? "" : ".";
        out += p->member->aws_name;
        spelled += first ? "" : ".";
        spelled += p->member->name;
        break;
      case PathStep::Kind::kIndex:
        fmt::format_to(std::back_inserter(out), ".{}.member", p->index + 1);
        fmt::format_to(std::back_inserter(spelled), "[{}]", p->index);
        break;
      case PathStep::Kind::kKey:
        out += '.';
        out += p->key;
        spelled += "[\"";
        spelled += p->key;
        spelled += "\"]";
        break;
    }
    first = false;
  }
  if (!extra.empty()) spelled += (first ? "" : ".") + std::string(extra);
  out += "' (";
  out += spelled;
  out += ')';
}

void AppendTruncated(std::string& out, std::string_view s) {
  if (s.size() <= kMaxEcho) {
    out += s;
    return;
  }
  size_t cut = kMaxEcho;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  out += s.substr(0, cut);
  out += "...";
}

bool IsIso8601(std::string_view s) {
  // YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)
  auto digits = [&](size_t at, size_t n) {
    if (at + n > s.size()) return false;
    for (size_t k = at; k < at + n; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
    }
    return true;
  };
  if (!digits(0, 4) || s.size() < 20 || s[4] != '-' || !digits(5, 2) || s[7] != '-' ||
      !digits(8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(11, 2) || s[13] != ':' ||
      !digits(14, 2) || s[16] != ':' || !digits(17, 2)) {
    return false;
  }
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits(i, 1)) return false;
    while (digits(i, 1)) ++i;
  }
  if (i + 1 == s.size() && (s[i] == 'Z' || s[i] == 'z')) return true;
  return i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && digits(i + 1, 2) && s[i + 3] == ':' &&
         digits(i + 4, 2);
}

// The constraint a value's JSON type breaks, or empty when the type is right.
std::string_view TypeProblem(const ShapeDef& s, const bj::value& v, TsFormat ts) {
  switch (s.kind) {
    case Kind::kString:
      return v.is_string() ? "" : "Member must be a string";
    case Kind::kInteger:
      return v.is_int64() || v.is_uint64() ? "" : "Member must be an integer";
    case Kind::kFloat:
      return v.is_number() ? "" : "Member must be a number";
    case Kind::kBoolean:
      return v.is_bool() ? "" : "Member must be a boolean";
    case Kind::kBlob:
      return v.is_string() ? "" : "Member must be a base64-encoded string";
    case Kind::kList:
      return v.is_array() ? "" : "Member must be a list (a JSON array)";
    case Kind::kMap:
      return v.is_object() ? "" : "Member must be a map (a JSON object)";
    case Kind::kStructure:
      return v.is_object() ? "" : "Member must be a structure (a JSON object)";
    case Kind::kDocument:
      return "";
    case Kind::kTimestamp:
      if (ts == TsFormat::kUnix) {
        return v.is_number() ? "" : "Member must be a timestamp in epoch seconds (a JSON number)";
      }
      if (ts == TsFormat::kIso8601) {
        return v.is_string() && IsIso8601(v.get_string())
                   ? ""
                   : "Member must be an ISO-8601 timestamp string (YYYY-MM-DDThh:mm:ssZ)";
      }
      return v.is_string() ? "" : "Member must be a timestamp string";
  }
  return "";
}

class Validator {
 public:
  Validator(const ServiceModel::Data& d, const ServiceModel::Operation& op) : d_(d), op_(op) {}

  void Check(const bj::value& v, int shape, TsFormat ts, const PathStep* path) {
    const ShapeDef& s = d_.shapes[shape];
    if (s.ts != TsFormat::kDefault) ts = s.ts;
    if (const std::string_view problem = TypeProblem(s, v, ts); !problem.empty()) {
      Violation(path, &v, s.sensitive, problem);
      return;
    }
    switch (s.kind) {
      case Kind::kString:
        CheckString(v, s, path);
        break;
      case Kind::kInteger:
        CheckInteger(v, s, path);
        break;
      case Kind::kFloat: {
        const double x = v.to_number<double>();
        if (s.min_num && x < *s.min_num) {
          Violation(path, &v, s.sensitive,
                    fmt::format("Member must have value greater than or equal to {}", *s.min_num));
        }
        if (s.max_num && x > *s.max_num) {
          Violation(path, &v, s.sensitive,
                    fmt::format("Member must have value less than or equal to {}", *s.max_num));
        }
        break;
      }
      case Kind::kList: {
        const bj::array& a = v.get_array();
        CheckSize(v, a.size(), s, path);
        PathStep step{path, PathStep::Kind::kIndex};
        for (size_t i = 0; i < a.size(); ++i) {
          step.index = i;
          if (a[i].is_null()) {
            Violation(&step, nullptr, false, "Member must not be null");
          } else {
            Check(a[i], s.member, ts, &step);
          }
        }
        break;
      }
      case Kind::kMap: {
        const bj::object& o = v.get_object();
        CheckSize(v, o.size(), s, path);
        PathStep step{path, PathStep::Kind::kKey};
        for (const auto& kv : o) {
          CheckMapKey(kv.key(), d_.shapes[s.key], path);
          step.key = kv.key();
          if (kv.value().is_null()) {
            Violation(&step, nullptr, false, "Member must not be null");
          } else {
            Check(kv.value(), s.value, ts, &step);
          }
        }
        break;
      }
      case Kind::kStructure:
        CheckStructure(v, s, path);
        break;
      default:
        break;
    }
  }

  void CheckStructure(const bj::value& v, const ShapeDef& s, const PathStep* path) {
    const bj::object& o = v.get_object();
    int set = 0;
    for (const auto& kv : o) {
      const MemberDef* m = s.FindMember(kv.key());
      if (m == nullptr) {
        Unknown(path, kv.key());
        continue;
      }
      if (kv.value().is_null()) continue;
      ++set;
      const PathStep step{path, PathStep::Kind::kMember, m};
      Check(kv.value(), m->shape, m->ts, &step);
    }
    for (const int r : s.required) {
      const MemberDef& m = s.members[r];
      const bj::value* mv = o.if_contains(m.name);
      if (mv == nullptr || mv->is_null()) {
        const PathStep step{path, PathStep::Kind::kMember, &m};
        Violation(&step, nullptr, false, "Member must not be null");
      }
    }
    if (s.is_union && set != 1) {
      std::string names;
      for (const auto& kv : o) {
        if (!kv.value().is_null() && s.FindMember(kv.key()) != nullptr) {
          names += names.empty() ? "" : ", ";
          names += kv.key();
        }
      }
      Violation(path, &v, s.sensitive,
                set == 0 ? std::string("Union must have exactly one member set, but none is")
                         : fmt::format("Union must have exactly one member set, but {} are: {}",
                                       set, names));
    }
  }

  Status Finish() const {
    if (count_ == 0) return Status::Ok();
    std::string msg =
        fmt::format("{} validation error{} detected: ", count_, count_ == 1 ? "" : "s");
    msg += text_;
    if (count_ > kMaxListed)
      fmt::format_to(std::back_inserter(msg), "; and {} more", count_ - kMaxListed);
    return ValidationError(std::move(msg));
  }

  // "Value 'v' at 'aws.path' (Spelled.Path) failed to satisfy constraint: <constraint>".
  void Violation(const PathStep* path, const bj::value* v, bool sensitive,
                 std::string_view constraint, std::string_view echo = {}) {
    if (++count_ > kMaxListed) return;
    if (!text_.empty()) text_ += "; ";
    text_ += "Value ";
    if (sensitive) {
      text_ += "'*** sensitive ***' ";
    } else if (!echo.empty()) {
      text_ += '\'';
      AppendTruncated(text_, echo);
      text_ += "' ";
    } else if (v == nullptr || v->is_null()) {
      text_ += "null ";
    } else {
      text_ += '\'';
      AppendTruncated(text_, v->is_string() ? std::string_view(v->get_string())
                                            : std::string_view(bj::serialize(*v)));
      text_ += "' ";
    }
    if (path == nullptr) {
      fmt::format_to(std::back_inserter(text_), "at '{}' ({} input)", op_.input_shape, op_.name);
    } else {
      text_ += "at '";
      AppendPaths(text_, path);
    }
    text_ += " failed to satisfy constraint: ";
    text_ += constraint;
  }

  void Unknown(const PathStep* path, std::string_view key) {
    if (++count_ > kMaxListed) return;
    if (!text_.empty()) text_ += "; ";
    text_ += "Unknown field '";
    AppendTruncated(text_, key);
    if (path == nullptr) {
      fmt::format_to(std::back_inserter(text_), "' in the {} input", op_.name);
    } else {
      text_ += "' at '";
      AppendPaths(text_, path, key);
    }
  }

 private:
  void CheckSize(const bj::value& v, size_t n, const ShapeDef& s, const PathStep* path) {
    if (s.min_len && static_cast<int64_t>(n) < *s.min_len) {
      Violation(path, &v, s.sensitive,
                fmt::format("Member must have length greater than or equal to {}", *s.min_len));
    }
    if (s.max_len && static_cast<int64_t>(n) > *s.max_len) {
      Violation(path, &v, s.sensitive,
                fmt::format("Member must have length less than or equal to {}", *s.max_len));
    }
  }

  // Reports through `report(constraint)` every string rule `str` breaks.
  template <typename Report>
  static void StringRules(std::string_view str, const ShapeDef& s, Report&& report) {
    if (s.min_len || s.max_len) {
      const auto n = static_cast<int64_t>(CodePointCount(str));
      if (s.min_len && n < *s.min_len) {
        report(fmt::format("Member must have length greater than or equal to {}", *s.min_len));
        return;
      }
      if (s.max_len && n > *s.max_len) {
        report(fmt::format("Member must have length less than or equal to {}", *s.max_len));
        return;  // an oversized value is not worth a pattern run
      }
    }
    if (s.pattern && !s.pattern->Search(str)) {
      report("Member must satisfy regular expression pattern: " + s.pattern->source());
    }
    if (!s.enums.empty() && std::find(s.enums.begin(), s.enums.end(), str) == s.enums.end()) {
      report("Member must satisfy enum value set: " + s.enum_text);
    }
  }

  void CheckString(const bj::value& v, const ShapeDef& s, const PathStep* path) {
    StringRules(v.get_string(), s,
                [&](const std::string& c) { Violation(path, &v, s.sensitive, c); });
  }

  void CheckMapKey(std::string_view key, const ShapeDef& ks, const PathStep* path) {
    StringRules(key, ks, [&](const std::string& c) {
      Violation(path, nullptr, ks.sensitive, "Map keys must satisfy constraint: [" + c + "]", key);
    });
  }

  void CheckInteger(const bj::value& v, const ShapeDef& s, const PathStep* path) {
    if (v.is_uint64() && v.get_uint64() > static_cast<uint64_t>(INT64_MAX)) {
      Violation(path, &v, s.sensitive,
                fmt::format("Member must have value less than or equal to {}", s.max_int));
      return;
    }
    const int64_t x = v.is_int64() ? v.get_int64() : static_cast<int64_t>(v.get_uint64());
    if (x < s.min_int) {
      Violation(path, &v, s.sensitive,
                fmt::format("Member must have value greater than or equal to {}", s.min_int));
    }
    if (x > s.max_int) {
      Violation(path, &v, s.sensitive,
                fmt::format("Member must have value less than or equal to {}", s.max_int));
    }
  }

  const ServiceModel::Data& d_;
  const ServiceModel::Operation& op_;
  int count_ = 0;
  std::string text_;
};

}  // namespace

Status ServiceModel::ValidateInput(const Operation& op, const bj::value& input) const {
  if (!input.is_object()) {
    if (op.input < 0 && input.is_null()) return Status::Ok();
    return ValidationError(fmt::format("The {} input must be a JSON object", op.name));
  }
  Validator v(*d_, op);
  if (op.input < 0) {
    for (const auto& kv : input.get_object()) v.Unknown(nullptr, kv.key());
  } else {
    v.CheckStructure(input, d_->shapes[op.input], nullptr);
  }
  return v.Finish();
}

// ---------------------------------------------------------------------------------------------
// rest-json binding

namespace {

std::string_view LocationText(const MemberDef& m) {
  return m.location == Location::kHeader ? "header" : "query parameter";
}

Status BindError(const MemberDef& m, std::string_view text, std::string_view constraint) {
  std::string msg = "1 validation error detected: Value ";
  if (IsValidUtf8(text)) {
    msg += '\'';
    AppendTruncated(msg, text);
    msg += "' ";
  }
  fmt::format_to(std::back_inserter(msg), "at '{}' ({} {}) failed to satisfy constraint: {}",
                 m.aws_name, LocationText(m), m.location_name, constraint);
  return ValidationError(std::move(msg));
}

// Converts query or header text to the JSON value of its shape.
Result<bj::value> ConvertText(const ServiceModel::Data& d, const MemberDef& m, int shape,
                              std::string_view text) {
  if (!IsValidUtf8(text)) return BindError(m, text, "Member must be valid UTF-8");
  const ShapeDef& s = d.shapes[shape];
  switch (s.kind) {
    case Kind::kInteger: {
      int64_t x = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return BindError(m, text, "Member must be an integer");
      }
      return bj::value(x);
    }
    case Kind::kFloat: {
      double x = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return BindError(m, text, "Member must be a number");
      }
      return bj::value(x);
    }
    case Kind::kBoolean:
      if (text == "true") return bj::value(true);
      if (text == "false") return bj::value(false);
      return BindError(m, text, "Member must be a boolean (true or false)");
    case Kind::kTimestamp:
      if (m.ts == TsFormat::kUnix) {
        double x = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
        if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
          return BindError(m, text, "Member must be a timestamp in epoch seconds");
        }
        return bj::value(x);
      }
      return bj::value(bj::string_view(text.data(), text.size()));
    default:
      return bj::value(bj::string_view(text.data(), text.size()));
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<bj::object> ServiceModel::BindRestInput(
    const Operation& op, const std::multimap<std::string, std::string>& query,
    const std::function<std::optional<std::string>(std::string_view)>& header,
    const bj::value* body) const {
  bj::object out;
  if (body != nullptr) {
    if (!body->is_object()) {
      return ValidationError(fmt::format("The {} request body must be a JSON object", op.name));
    }
    out = body->get_object();
  }
  if (op.input < 0) return out;
  const ShapeDef& s = d_->shapes[op.input];
  for (const auto& kv : out) {
    const MemberDef* m = s.FindMember(kv.key());
    if (m == nullptr || kv.value().is_null()) continue;  // unknown members: ValidateInput's job
    if (m->location != Location::kBody) {
      return ValidationError(fmt::format(
          "1 validation error detected: Unknown field '{}' in the {} request body: it is sent as "
          "{} '{}'",
          m->name, op.name, LocationText(*m), m->location_name));
    }
    const ShapeDef& ms = d_->shapes[m->shape];
    if (const std::string_view problem = TypeProblem(ms, kv.value(), m->ts); !problem.empty()) {
      Validator v(*d_, op);
      const PathStep step{nullptr, PathStep::Kind::kMember, m};
      v.Violation(&step, &kv.value(), ms.sensitive, problem);
      return v.Finish();
    }
  }
  const MemberDef* query_map = nullptr;
  for (const MemberDef& m : s.members) {
    if (m.location != Location::kQuery && m.location != Location::kHeader) continue;
    const ShapeDef& ms = d_->shapes[m.shape];
    if (m.location == Location::kQuery) {
      if (ms.kind == Kind::kMap) {
        query_map = &m;
        continue;
      }
      const auto [begin, end] = query.equal_range(m.location_name);
      if (begin == end) continue;
      if (ms.kind == Kind::kList) {
        bj::array a;
        for (auto it = begin; it != end; ++it) {
          AMIPLACE_ASSIGN_OR_RETURN(bj::value v, ConvertText(*d_, m, ms.member, it->second));
          a.push_back(std::move(v));
        }
        out[m.name] = std::move(a);
      } else {
        AMIPLACE_ASSIGN_OR_RETURN(out[m.name], ConvertText(*d_, m, m.shape, begin->second));
      }
    } else {
      const std::optional<std::string> h = header ? header(m.location_name) : std::nullopt;
      if (!h) continue;
      if (ms.kind == Kind::kList) {
        bj::array a;
        std::string_view rest = *h;
        while (!rest.empty()) {
          const size_t comma = rest.find(',');
          AMIPLACE_ASSIGN_OR_RETURN(bj::value v,
                                    ConvertText(*d_, m, ms.member, Trim(rest.substr(0, comma))));
          a.push_back(std::move(v));
          rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
        out[m.name] = std::move(a);
      } else {
        AMIPLACE_ASSIGN_OR_RETURN(out[m.name], ConvertText(*d_, m, m.shape, *h));
      }
    }
  }
  if (query_map != nullptr) {  // every query key that no other member binds
    const ShapeDef& ms = d_->shapes[query_map->shape];
    const ShapeDef& vs = d_->shapes[ms.value];
    bj::object map;
    for (const auto& kv : query) {
      const std::string& key = kv.first;
      const std::string& value = kv.second;
      const bool bound = std::any_of(s.members.begin(), s.members.end(), [&](const MemberDef& m) {
        return m.location == Location::kQuery && &m != query_map && m.location_name == key;
      });
      if (bound) continue;
      if (!IsValidUtf8(key)) return BindError(*query_map, key, "Map keys must be valid UTF-8");
      if (vs.kind == Kind::kList) {
        AMIPLACE_ASSIGN_OR_RETURN(bj::value v, ConvertText(*d_, *query_map, vs.member, value));
        bj::value& slot = map[key];
        if (!slot.is_array()) slot = bj::array();
        slot.get_array().push_back(std::move(v));
      } else if (!map.contains(key)) {
        AMIPLACE_ASSIGN_OR_RETURN(map[key], ConvertText(*d_, *query_map, ms.value, value));
      }
    }
    out[query_map->name] = std::move(map);
  }
  return out;
}

}  // namespace amiplace::model
