#include "protocols/model/java_pattern.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

#include "protocols/model/utf8.h"

namespace amiplace::model {

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

}  // namespace amiplace::model
