#include "plf/xlsx_reader.h"

#include <fmt/format.h>
#include <zip.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "plf/utf8.h"

namespace amiplace::plf {

namespace {

namespace chr = std::chrono;

constexpr size_t kMaxDomPartBytes = 16 << 20;  // workbook, relationships, styles
constexpr size_t kMaxXmlDepth = 256;
constexpr size_t kMaxXmlAttributes = 512;
constexpr int kMaxRows = 1048576;
constexpr int kMaxColumns = 16384;

// "12.3 MB", "10 MB", or "800 bytes" under a megabyte.
std::string Megabytes(uint64_t bytes) {
  if (bytes < (1 << 20)) return fmt::format("{} bytes", bytes);
  if (bytes % (1 << 20) == 0) return fmt::format("{} MB", bytes >> 20);
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1 << 20));
}

std::string NotAWorkbook(std::string_view why) {
  return fmt::format("the file is not an .xlsx workbook ({})", why);
}

// ---------------------------------------------------------------------------------------------
// Text helpers.

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsXmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsXmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

std::string_view LocalName(std::string_view qname) {
  size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Replaces invalid UTF-8 (stray bytes, overlongs, surrogates, past U+10FFFF) with U+FFFD.
void SanitizeUtf8(std::string& s) {
  auto valid_at = [&](size_t i) { return Utf8SequenceAt(s, i); };
  size_t i = 0;
  while (i < s.size() && valid_at(i) != 0) i += valid_at(i);
  if (i == s.size()) return;  // the usual case: nothing to copy
  std::string out = s.substr(0, i);
  while (i < s.size()) {
    size_t len = valid_at(i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s, i, len);
      i += len;
    }
  }
  s = std::move(out);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Undoes Excel's "_xHHHH_" escapes (UTF-16 code units; "_x005F_" is a literal "_"), then makes
// sure the text is valid UTF-8.
std::string UnescapeXstring(std::string s) {
  if (s.find("_x") != std::string::npos) {
    std::string out;
    out.reserve(s.size());
    uint32_t high_surrogate = 0;
    for (size_t i = 0; i < s.size();) {
      int h[4];
      if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_' &&
          (h[0] = HexValue(s[i + 2])) >= 0 && (h[1] = HexValue(s[i + 3])) >= 0 &&
          (h[2] = HexValue(s[i + 4])) >= 0 && (h[3] = HexValue(s[i + 5])) >= 0) {
        uint32_t unit = static_cast<uint32_t>((h[0] << 12) | (h[1] << 8) | (h[2] << 4) | h[3]);
        i += 7;
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          if (high_surrogate) out += "\xEF\xBF\xBD";
          high_surrogate = unit;
          continue;
        }
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
          if (high_surrogate) {
            AppendUtf8(out, 0x10000 + ((high_surrogate - 0xD800) << 10) + (unit - 0xDC00));
            high_surrogate = 0;
          } else {
            out += "\xEF\xBF\xBD";
          }
          continue;
        }
        if (high_surrogate) out += "\xEF\xBF\xBD";
        high_surrogate = 0;
        AppendUtf8(out, unit == 0 ? 0xFFFD : unit);
        continue;
      }
      if (high_surrogate) out += "\xEF\xBF\xBD";
      high_surrogate = 0;
      out += s[i++];
    }
    if (high_surrogate) out += "\xEF\xBF\xBD";
    s = std::move(out);
  }
  SanitizeUtf8(s);
  return s;
}

// UTF-16 with a byte order mark → UTF-8 (unpaired surrogates become U+FFFD). Other bytes are
// returned as they are (UTF-8, with or without its BOM).
std::string ToUtf8(std::string bytes) {
  if (bytes.size() < 2) return bytes;
  bool le = bytes[0] == '\xFF' && bytes[1] == '\xFE';
  bool be = bytes[0] == '\xFE' && bytes[1] == '\xFF';
  if (!le && !be) return bytes;
  std::string out;
  out.reserve(bytes.size());
  uint32_t high = 0;
  for (size_t i = 2; i + 1 < bytes.size(); i += 2) {
    auto b0 = static_cast<unsigned char>(bytes[i]);
    auto b1 = static_cast<unsigned char>(bytes[i + 1]);
    uint32_t unit = le ? (b1 << 8 | b0) : (b0 << 8 | b1);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (high) AppendUtf8(out, 0xFFFD);
      high = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      AppendUtf8(out, high ? 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00) : 0xFFFD);
      high = 0;
    } else {
      if (high) AppendUtf8(out, 0xFFFD);
      high = 0;
      AppendUtf8(out, unit);
    }
  }
  if (high) AppendUtf8(out, 0xFFFD);
  return out;
}

// ---------------------------------------------------------------------------------------------
// A forward-only XML reader for the parts that grow with the data (sheets, shared strings): it
// keeps only the open elements' names, so memory stays proportional to what the caller keeps.
// It checks well-formedness as it goes (matching tags, one root, attribute syntax, entities)
// and refuses DOCTYPE declarations, which spreadsheet parts never have.
class XmlPull {
 public:
  enum class Event { kStart, kEnd, kText, kDone, kError };

  explicit XmlPull(std::string_view doc) : doc_(doc) {
    if (doc_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }

  Event Next() {
    if (failed_) return Event::kError;
    if (pending_end_) {
      pending_end_ = false;
      pop_after_ = true;
      return Event::kEnd;
    }
    if (pop_after_) {
      pop_after_ = false;
      stack_.pop_back();
      if (stack_.empty()) root_closed_ = true;
    }
    text_.clear();
    bool have_text = false;
    while (true) {
      if (pos_ >= doc_.size()) {
        if (have_text) return Event::kText;
        if (!stack_.empty())
          return Fail(fmt::format("the document ends inside <{}>", stack_.back()));
        if (!root_closed_) return Fail("there is no root element");
        return Event::kDone;
      }
      if (doc_[pos_] != '<') {
        size_t lt = doc_.find('<', pos_);
        if (lt == std::string_view::npos) lt = doc_.size();
        std::string_view raw = doc_.substr(pos_, lt - pos_);
        if (stack_.empty()) {
          if (!Trim(raw).empty()) return Fail("text outside the root element");
        } else if (!DecodeInto(raw, text_)) {
          return Event::kError;
        } else {
          have_text = true;
        }
        pos_ = lt;
        continue;
      }
      std::string_view rest = doc_.substr(pos_);
      if (rest.starts_with("<?")) {
        if (!SkipPast("?>", "a processing instruction")) return Event::kError;
        continue;
      }
      if (rest.starts_with("<!--")) {
        if (!SkipPast("-->", "a comment")) return Event::kError;
        continue;
      }
      if (rest.starts_with("<![CDATA[")) {
        if (stack_.empty()) return Fail("CDATA outside the root element");
        size_t end = doc_.find("]]>", pos_ + 9);
        if (end == std::string_view::npos) return Fail("an unterminated CDATA section");
        text_.append(doc_.substr(pos_ + 9, end - pos_ - 9));
        have_text = true;
        pos_ = end + 3;
        continue;
      }
      if (rest.starts_with("<!")) return Fail("DOCTYPE declarations are not allowed");
      if (have_text) return Event::kText;
      return rest.starts_with("</") ? EndTag() : StartTag();
    }
  }

  // The current element's name without its namespace prefix (kStart, kEnd).
  std::string_view name() const { return LocalName(stack_.back()); }
  // Open elements, counting the current one (kStart, kEnd).
  size_t depth() const { return stack_.size(); }
  // Character data, entities decoded (kText).
  const std::string& text() const { return text_; }
  const std::string& error() const { return error_; }

  // An attribute of the current start tag by local name, entities decoded.
  std::optional<std::string> Attr(std::string_view local) {
    for (const auto& [qname, raw] : attrs_) {
      if (LocalName(qname) != local) continue;
      std::string value;
      if (!DecodeInto(raw, value)) return std::nullopt;
      return value;
    }
    return std::nullopt;
  }

 private:
  Event Fail(std::string message) {
    if (!failed_) {
      failed_ = true;
      error_ = fmt::format("{} (at byte {})", message, pos_);
    }
    return Event::kError;
  }

  bool SkipPast(std::string_view end, std::string_view what) {
    size_t at = doc_.find(end, pos_ + 2);
    if (at == std::string_view::npos) {
      Fail(fmt::format("an unterminated {}", what));
      return false;
    }
    pos_ = at + end.size();
    return true;
  }

  static bool IsNameChar(char c) {
    return !(IsXmlSpace(c) || c == '<' || c == '>' || c == '/' || c == '=' || c == '"' ||
             c == '\'' || c == '&' || c == '?' || c == '!');
  }

  std::string_view ParseName() {
    size_t start = pos_;
    while (pos_ < doc_.size() && IsNameChar(doc_[pos_])) ++pos_;
    std::string_view name = doc_.substr(start, pos_ - start);
    if (!name.empty() && ((name[0] >= '0' && name[0] <= '9') || name[0] == '-' || name[0] == '.')) {
      return {};
    }
    return name;
  }

  void SkipSpace() {
    while (pos_ < doc_.size() && IsXmlSpace(doc_[pos_])) ++pos_;
  }

  Event StartTag() {
    if (root_closed_) return Fail("content after the root element");
    if (stack_.size() >= kMaxXmlDepth) return Fail("elements nested too deeply");
    ++pos_;
    std::string_view qname = ParseName();
    if (qname.empty()) return Fail("a malformed start tag");
    attrs_.clear();
    while (true) {
      size_t before = pos_;
      SkipSpace();
      if (pos_ >= doc_.size()) return Fail(fmt::format("an unterminated <{}> tag", qname));
      if (doc_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (doc_[pos_] == '/') {
        if (pos_ + 1 >= doc_.size() || doc_[pos_ + 1] != '>') return Fail("a malformed tag end");
        pos_ += 2;
        pending_end_ = true;
        break;
      }
      if (pos_ == before) return Fail(fmt::format("a malformed <{}> tag", qname));
      std::string_view attr = ParseName();
      if (attr.empty()) return Fail(fmt::format("a malformed attribute in <{}>", qname));
      SkipSpace();
      if (pos_ >= doc_.size() || doc_[pos_] != '=') {
        return Fail(fmt::format("attribute {} of <{}> has no value", attr, qname));
      }
      ++pos_;
      SkipSpace();
      if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) {
        return Fail(fmt::format("attribute {} of <{}> is not quoted", attr, qname));
      }
      char quote = doc_[pos_++];
      size_t end = doc_.find(quote, pos_);
      if (end == std::string_view::npos) return Fail("an unterminated attribute value");
      std::string_view raw = doc_.substr(pos_, end - pos_);
      if (raw.find('<') != std::string_view::npos) return Fail("'<' in an attribute value");
      for (const auto& [other, value] : attrs_) {
        if (other == attr) return Fail(fmt::format("attribute {} repeated in <{}>", attr, qname));
      }
      if (attrs_.size() >= kMaxXmlAttributes) return Fail("too many attributes");
      attrs_.emplace_back(attr, raw);
      pos_ = end + 1;
    }
    stack_.push_back(qname);
    return Event::kStart;
  }

  Event EndTag() {
    pos_ += 2;
    std::string_view qname = ParseName();
    SkipSpace();
    if (qname.empty() || pos_ >= doc_.size() || doc_[pos_] != '>') {
      return Fail("a malformed end tag");
    }
    ++pos_;
    if (stack_.empty()) return Fail(fmt::format("</{}> closes nothing", qname));
    if (stack_.back() != qname) {
      return Fail(fmt::format("</{}> where </{}> was expected", qname, stack_.back()));
    }
    pop_after_ = true;
    return Event::kEnd;
  }

  // Appends `raw` with its entity and character references decoded.
  bool DecodeInto(std::string_view raw, std::string& out) {
    size_t i = 0;
    while (i < raw.size()) {
      size_t amp = raw.find('&', i);
      if (amp == std::string_view::npos) {
        out.append(raw.substr(i));
        break;
      }
      out.append(raw.substr(i, amp - i));
      size_t semi = raw.find(';', amp);
      if (semi == std::string_view::npos || semi - amp > 12) {
        Fail("a '&' that starts no entity");
        return false;
      }
      std::string_view entity = raw.substr(amp + 1, semi - amp - 1);
      if (entity == "amp") {
        out += '&';
      } else if (entity == "lt") {
        out += '<';
      } else if (entity == "gt") {
        out += '>';
      } else if (entity == "quot") {
        out += '"';
      } else if (entity == "apos") {
        out += '\'';
      } else if (entity.size() >= 2 && entity[0] == '#') {
        bool hex = entity[1] == 'x';
        std::string_view digits = entity.substr(hex ? 2 : 1);
        uint32_t cp = 0;
        auto [ptr, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
        bool ok = !digits.empty() && ec == std::errc() && ptr == digits.data() + digits.size() &&
                  (cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                   (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF));
        if (!ok) {
          Fail(fmt::format("an invalid character reference &{};", entity));
          return false;
        }
        AppendUtf8(out, cp);
      } else {
        Fail(fmt::format("an undefined entity &{};", entity));
        return false;
      }
      i = semi + 1;
    }
    return true;
  }

  std::string_view doc_;
  size_t pos_ = 0;
  std::vector<std::string_view> stack_;  // open elements' qualified names
  std::vector<std::pair<std::string_view, std::string_view>> attrs_;  // name, raw value
  std::string text_;
  std::string error_;
  bool pending_end_ = false;  // a self-closing tag's kEnd is due
  bool pop_after_ = false;    // the element of the last kEnd is to be popped
  bool root_closed_ = false;
  bool failed_ = false;
};

// ---------------------------------------------------------------------------------------------
// The zip archive.

class Archive {
 public:
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;
  ~Archive() {
    if (zip_ != nullptr) zip_discard(zip_);
  }

  static Result<std::unique_ptr<Archive>> Open(std::string_view bytes, const ReadLimits& limits) {
    if (bytes.size() > limits.max_file_bytes) {
      return ValidationError(fmt::format("the file is {}; uploads are limited to {}",
                                         Megabytes(bytes.size()),
                                         Megabytes(limits.max_file_bytes)));
    }
    if (bytes.empty()) return ValidationError("the file is empty");
    if (bytes.starts_with("\xD0\xCF\x11\xE0")) {
      return ValidationError(NotAWorkbook(
          "it is an old-style .xls file or a password-protected workbook; save it as .xlsx "
          "without a password"));
    }
    std::unique_ptr<Archive> archive(new Archive(limits));
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
      zip_error_fini(&error);
      return InternalError("cannot read the upload (out of memory?)");
    }
    archive->zip_ = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (archive->zip_ == nullptr) {
      zip_source_free(source);
      int code = zip_error_code_zip(&error);
      std::string detail = zip_error_strerror(&error);
      zip_error_fini(&error);
      if (code == ZIP_ER_NOZIP) {
        if (bytes.starts_with("PK\x03\x04")) {
          return ValidationError(NotAWorkbook("a damaged zip archive; is the file truncated?"));
        }
        return ValidationError(NotAWorkbook("not a zip archive"));
      }
      return ValidationError(NotAWorkbook("a damaged zip archive: " + detail));
    }
    zip_error_fini(&error);
    AMIPLACE_RETURN_IF_ERROR(archive->Index(bytes.size()));
    return archive;
  }

  bool Has(std::string_view name) const { return Find(name).has_value(); }

  // The entry's bytes, read with a hard cap: never more than the directory declared, nor more
  // than the limit for all entries together.
  Result<std::string> Read(std::string_view name) {
    auto index = Find(name);
    if (!index) return ValidationError(NotAWorkbook(fmt::format("it has no {}", name)));
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_, *index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
      return ValidationError(fmt::format("{} cannot be read: {}", name, zip_strerror(zip_)));
    }
    const uint64_t declared = st.size;
    if (declared > limits_.max_inflated_bytes - inflated_) return TooBig();
    zip_file_t* file = zip_fopen_index(zip_, *index, 0);
    if (file == nullptr) {
      int code = zip_error_code_zip(zip_get_error(zip_));
      if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_ENCRNOTSUPP || code == ZIP_ER_WRONGPASSWD) {
        return ValidationError(
            fmt::format("{} is encrypted; save the workbook without a password", name));
      }
      if (code == ZIP_ER_COMPNOTSUPP) {
        return ValidationError(
            fmt::format("{} is compressed with a method this server cannot read", name));
      }
      return ValidationError(fmt::format("{} cannot be read: {}", name, zip_strerror(zip_)));
    }
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> closer(file, &zip_fclose);
    std::string out;
    out.reserve(static_cast<size_t>(std::min<uint64_t>(declared, 1 << 20)));
    char buf[1 << 16];
    while (true) {
      zip_int64_t n = zip_fread(file, buf, sizeof buf);
      if (n < 0) {
        return ValidationError(
            fmt::format("{} is damaged: {}", name, zip_error_strerror(zip_file_get_error(file))));
      }
      if (n == 0) break;
      if (static_cast<uint64_t>(n) > declared - out.size()) {
        return ValidationError(fmt::format(
            "{} inflates to more than the {} bytes the zip directory declares (a zip bomb?)", name,
            declared));
      }
      if (static_cast<uint64_t>(n) > limits_.max_inflated_bytes - inflated_) return TooBig();
      inflated_ += static_cast<uint64_t>(n);
      out.append(buf, static_cast<size_t>(n));
    }
    if (out.size() != declared) {
      return ValidationError(fmt::format("{} is damaged: it holds {} bytes, not the {} declared",
                                         name, out.size(), declared));
    }
    return out;
  }

 private:
  explicit Archive(const ReadLimits& limits) : limits_(limits) {}

  Status TooBig() const {
    return ValidationError(fmt::format("the workbook would inflate to more than {} (a zip bomb?)",
                                       Megabytes(limits_.max_inflated_bytes)));
  }

  // Sums what the central directory declares, before anything is inflated.
  Status Index(size_t file_size) {
    zip_int64_t count = zip_get_num_entries(zip_, 0);
    if (count < 0) return ValidationError(NotAWorkbook("a damaged zip archive"));
    uint64_t total = 0;
    for (zip_int64_t i = 0; i < count; ++i) {
      zip_stat_t st;
      zip_stat_init(&st);
      if (zip_stat_index(zip_, static_cast<zip_uint64_t>(i), 0, &st) != 0 ||
          !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_NAME)) {
        return ValidationError(NotAWorkbook("a damaged zip archive"));
      }
      if (st.size > limits_.max_inflated_bytes - total) return TooBig();
      total += st.size;
      names_.emplace(LowerAscii(st.name), static_cast<zip_uint64_t>(i));
    }
    double ratio = static_cast<double>(total) / static_cast<double>(std::max<size_t>(file_size, 1));
    if (ratio > limits_.max_ratio) {
      return ValidationError(fmt::format(
          "the workbook would inflate {:.0f} times its size, more than the {:g} allowed "
          "(a zip bomb?)",
          ratio, limits_.max_ratio));
    }
    return Status::Ok();
  }

  // Part names are case-insensitive (Open Packaging Conventions).
  std::optional<zip_uint64_t> Find(std::string_view name) const {
    auto it = names_.find(LowerAscii(name));
    if (it == names_.end()) return std::nullopt;
    return it->second;
  }

  const ReadLimits limits_;
  zip_t* zip_ = nullptr;
  std::map<std::string, zip_uint64_t> names_;  // lower-cased name → index
  uint64_t inflated_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Small parts, with pugixml.

Result<std::unique_ptr<pugi::xml_document>> ParseDom(Archive& archive, const std::string& part) {
  AMIPLACE_ASSIGN_OR_RETURN(std::string bytes, archive.Read(part));
  if (bytes.size() > kMaxDomPartBytes) {
    return ValidationError(fmt::format("{} is {}; this part is limited to {}", part,
                                       Megabytes(bytes.size()), Megabytes(kMaxDomPartBytes)));
  }
  auto doc = std::make_unique<pugi::xml_document>();
  pugi::xml_parse_result parsed =
      doc->load_buffer(bytes.data(), bytes.size(),
                       pugi::parse_default | pugi::parse_ws_pcdata_single, pugi::encoding_auto);
  if (!parsed) {
    return ValidationError(fmt::format("{} is not well-formed XML: {} (at byte {})", part,
                                       parsed.description(), parsed.offset));
  }
  if (!doc->document_element()) {
    return ValidationError(fmt::format("{} is not well-formed XML: no root element", part));
  }
  return doc;
}

// Children of `node` with the given local name, whatever their namespace prefix.
std::vector<pugi::xml_node> Children(pugi::xml_node node, std::string_view local) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element && LocalName(child.name()) == local) {
      out.push_back(child);
    }
  }
  return out;
}

pugi::xml_node Child(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element && LocalName(child.name()) == local) return child;
  }
  return {};
}

// An attribute by local name; `prefixed` asks for one with a namespace prefix (r:id, not id).
std::optional<std::string> Attribute(pugi::xml_node node, std::string_view local,
                                     bool prefixed = false) {
  for (pugi::xml_attribute a : node.attributes()) {
    std::string_view name = a.name();
    if (LocalName(name) == local && (!prefixed || name.find(':') != std::string_view::npos)) {
      return std::string(a.value());
    }
  }
  return std::nullopt;
}

// "xl/worksheets/sheet1.xml" from a relationship target: absolute ("/xl/…") or relative to the
// source part's folder ("worksheets/sheet1.xml", "../xl/…").
std::string ResolveTarget(std::string_view source_part, std::string_view target) {
  std::string path;
  if (target.starts_with("/")) {
    path = target.substr(1);
  } else {
    size_t slash = source_part.rfind('/');
    path = std::string(slash == std::string_view::npos ? "" : source_part.substr(0, slash + 1));
    path += target;
  }
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(std::move(segment));
    }
    start = slash + 1;
  }
  std::string out;
  for (const std::string& s : segments) {
    if (!out.empty()) out += '/';
    out += s;
  }
  return out;
}

struct Relationship {
  std::string type;    // the last segment: "worksheet", "sharedStrings", "styles"…
  std::string target;  // resolved part name
};

// The relationships of `part` ("xl/workbook.xml" → "xl/_rels/workbook.xml.rels"), by id; none
// when the file has no relationships part for it.
Result<std::map<std::string, Relationship>> ReadRelationships(Archive& archive,
                                                              std::string_view part) {
  size_t slash = part.rfind('/');
  std::string folder(slash == std::string_view::npos ? "" : part.substr(0, slash + 1));
  std::string file(slash == std::string_view::npos ? part : part.substr(slash + 1));
  std::string rels_part = folder + "_rels/" + file + ".rels";
  std::map<std::string, Relationship> out;
  if (!archive.Has(rels_part)) return out;
  AMIPLACE_ASSIGN_OR_RETURN(auto doc, ParseDom(archive, rels_part));
  for (pugi::xml_node rel : Children(doc->document_element(), "Relationship")) {
    if (Attribute(rel, "TargetMode").value_or("") == "External") continue;
    std::string type = Attribute(rel, "Type").value_or("");
    type = type.substr(type.rfind('/') + 1);
    out[Attribute(rel, "Id").value_or("")] =
        Relationship{type, ResolveTarget(part, Attribute(rel, "Target").value_or(""))};
  }
  return out;
}

// Whether a number format code shows a date or time: d, m, y, h or s outside quoted text,
// brackets ([Red], [$-409], [h]) and escaped or padding characters.
bool IsDateFormatCode(std::string_view code) {
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') {
      size_t end = code.find('"', i + 1);
      if (end == std::string_view::npos) return false;
      i = end;
    } else if (c == '[') {
      size_t end = code.find(']', i + 1);
      if (end == std::string_view::npos) return false;
      i = end;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else {
      char l = AsciiLower(c);
      if (l == 'd' || l == 'm' || l == 'y' || l == 'h' || l == 's') return true;
    }
  }
  return false;
}

bool IsBuiltInDateFormat(long id) { return (id >= 14 && id <= 22) || (id >= 45 && id <= 47); }

std::optional<long> ParseLong(std::string_view text) {
  text = Trim(text);
  long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// For each cell style (the s= index), whether it formats numbers as dates.
Result<std::vector<bool>> ReadDateStyles(Archive& archive, const std::string& part) {
  std::vector<bool> out;
  if (part.empty() || !archive.Has(part)) return out;
  AMIPLACE_ASSIGN_OR_RETURN(auto doc, ParseDom(archive, part));
  pugi::xml_node root = doc->document_element();
  std::map<long, bool> custom;
  for (pugi::xml_node fmt : Children(Child(root, "numFmts"), "numFmt")) {
    auto id = ParseLong(Attribute(fmt, "numFmtId").value_or(""));
    if (id) custom[*id] = IsDateFormatCode(Attribute(fmt, "formatCode").value_or(""));
  }
  for (pugi::xml_node xf : Children(Child(root, "cellXfs"), "xf")) {
    long id = ParseLong(Attribute(xf, "numFmtId").value_or("0")).value_or(0);
    auto it = custom.find(id);
    out.push_back(it != custom.end() ? it->second : IsBuiltInDateFormat(id));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dates.

std::string FormatDate(chr::sys_days day) {
  chr::year_month_day ymd(day);
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// "T13:45:00", or nothing at midnight.
std::string FormatTime(long seconds_of_day) {
  if (seconds_of_day == 0) return "";
  return fmt::format("T{:02}:{:02}:{:02}", seconds_of_day / 3600, seconds_of_day / 60 % 60,
                     seconds_of_day % 60);
}

// A date serial number ("45366", "45366.5") as ISO text; nullopt when it is no date Excel shows.
std::optional<std::string> SerialToIso(std::string_view text, bool date1904) {
  text = Trim(text);
  double serial = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), serial);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(serial)) {
    return std::nullopt;
  }
  if (serial < 0 || serial > 2958466) return std::nullopt;
  long long total = std::llround(serial * 86400.0);
  long long days = total / 86400;
  long seconds = static_cast<long>(total % 86400);
  chr::sys_days day;
  if (date1904) {
    day = chr::sys_days(chr::year(1904) / 1 / 1) + chr::days(days);
  } else if (days == 60) {
    return "1900-02-29" + FormatTime(seconds);  // Excel's day that never was (a Lotus 1-2-3 bug)
  } else {
    // Serial 1 is 1900-01-01; from 61 on, the phantom 1900-02-29 shifts every day by one.
    day = chr::sys_days(chr::year(1899) / 12 / (days < 60 ? 31 : 30)) + chr::days(days);
  }
  if (chr::year_month_day(day).year() > chr::year(9999)) return std::nullopt;
  return FormatDate(day) + FormatTime(seconds);
}

// A t="d" cell's ISO 8601 text, normalized to "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (fractions of
// a second and a time zone are dropped); nullopt when it is not such a date.
std::optional<std::string> NormalizeIsoDate(std::string_view text) {
  text = Trim(text);
  auto number = [&](size_t at, size_t len) -> std::optional<int> {
    if (at + len > text.size()) return std::nullopt;
    int v = 0;
    for (size_t i = at; i < at + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d || text[4] != '-' || text[7] != '-') return std::nullopt;
  chr::year_month_day ymd{chr::year(*y), chr::month(static_cast<unsigned>(*m)),
                          chr::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  long seconds = 0;
  if (text.size() > 10) {
    if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
    auto hh = number(11, 2), mm = number(14, 2);
    if (!hh || !mm || text.size() < 16 || text[13] != ':' || *hh > 23 || *mm > 59) {
      return std::nullopt;
    }
    int ss = 0;
    size_t i = 16;
    if (i < text.size() && text[i] == ':') {
      auto s = number(17, 2);
      if (!s || *s > 59) return std::nullopt;
      ss = *s;
      i = 19;
      if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
        ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
      }
    }
    std::string_view zone = text.substr(i);
    if (!(zone.empty() || zone == "Z" ||
          (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':'))) {
      return std::nullopt;
    }
    seconds = *hh * 3600L + *mm * 60L + ss;
  }
  return FormatDate(chr::sys_days(ymd)) + FormatTime(seconds);
}

// ---------------------------------------------------------------------------------------------
// Shared strings and sheets, streamed.

class SharedStrings {
 public:
  size_t size() const { return ends_.size(); }
  std::string_view at(size_t i) const {
    size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(pool_).substr(begin, ends_[i] - begin);
  }

  Status Parse(std::string_view xml, const std::string& part) {
    XmlPull p(xml);
    size_t si_depth = 0;    // the open <si>'s depth, 0 outside one
    size_t skip_depth = 0;  // an open <rPh> or <phoneticPr>: phonetic text is not the value
    bool in_t = false;
    std::string item;
    while (true) {
      switch (p.Next()) {
        case XmlPull::Event::kStart:
          if (si_depth == 0) {
            if (p.name() == "si") {
              si_depth = p.depth();
              item.clear();
            }
          } else if (skip_depth == 0) {
            if (p.name() == "rPh" || p.name() == "phoneticPr") {
              skip_depth = p.depth();
            } else if (p.name() == "t") {
              in_t = true;
            }
          }
          break;
        case XmlPull::Event::kText:
          if (in_t) item += p.text();
          break;
        case XmlPull::Event::kEnd:
          if (p.depth() == skip_depth) {
            skip_depth = 0;
          } else if (p.depth() == si_depth) {
            si_depth = 0;
            pool_ += UnescapeXstring(std::move(item));
            item.clear();
            if (pool_.size() > UINT32_MAX) {
              return ValidationError(fmt::format("{} is too large", part));
            }
            ends_.push_back(static_cast<uint32_t>(pool_.size()));
          } else if (p.name() == "t") {
            in_t = false;
          }
          break;
        case XmlPull::Event::kDone:
          return Status::Ok();
        case XmlPull::Event::kError:
          return ValidationError(fmt::format("{} is not well-formed XML: {}", part, p.error()));
      }
    }
  }

 private:
  std::string pool_;            // all strings, one after another
  std::vector<uint32_t> ends_;  // where each ends in pool_
};

// What the sheets of one workbook share: the strings, the date styles, and the limits.
struct ReadContext {
  const SharedStrings* strings;
  const std::vector<bool>* date_styles;
  bool date1904 = false;
  const ReadLimits* limits;
  size_t cells = 0;         // placed so far, counting the empty ones before filled cells
  uint64_t text_bytes = 0;  // of cell text so far
};

// "B12" → (row 11, column 1); nullopt when it is not a reference within Excel's grid.
std::optional<std::pair<int, int>> ParseCellReference(std::string_view ref) {
  size_t i = 0;
  int col = 0;
  while (i < ref.size() && ((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'))) {
    col = col * 26 + (AsciiLower(ref[i]) - 'a' + 1);
    if (col > kMaxColumns) return std::nullopt;
    ++i;
  }
  if (i == 0 || i == ref.size()) return std::nullopt;
  int row = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return std::nullopt;
    row = row * 10 + (ref[i] - '0');
    if (row > kMaxRows) return std::nullopt;
  }
  if (row == 0) return std::nullopt;
  return std::make_pair(row - 1, col - 1);
}

class SheetParser {
 public:
  SheetParser(ReadContext& context, const std::string& part, Sheet& sheet)
      : ctx_(context), part_(part), sheet_(sheet) {}

  Status Parse(std::string_view xml) {
    XmlPull p(xml);
    while (true) {
      switch (p.Next()) {
        case XmlPull::Event::kStart:
          AMIPLACE_RETURN_IF_ERROR(Start(p));
          break;
        case XmlPull::Event::kText:
          if (in_v_) {
            v_ += p.text();
          } else if (in_is_t_) {
            inline_ += p.text();
          }
          break;
        case XmlPull::Event::kEnd:
          AMIPLACE_RETURN_IF_ERROR(End(p));
          break;
        case XmlPull::Event::kDone:
          return Status::Ok();
        case XmlPull::Event::kError:
          return ValidationError(fmt::format("{} is not well-formed XML: {}", part_, p.error()));
      }
    }
  }

 private:
  Status Start(XmlPull& p) {
    std::string_view name = p.name();
    if (data_depth_ == 0) {
      if (name == "sheetData") data_depth_ = p.depth();
      return Status::Ok();
    }
    size_t level = p.depth() - data_depth_;  // 1: row, 2: c, 3: v / is / f, 4+: inside is
    if (level == 1 && name == "row") {
      in_row_ = true;
      if (auto r = p.Attr("r")) {
        auto n = ParseLong(*r);
        if (!n || *n < 1 || *n > kMaxRows) {
          return ValidationError(fmt::format("{}: row number '{}' is not valid", part_, *r));
        }
        row_ = static_cast<int>(*n - 1);
      } else {
        row_ = last_row_ + 1;
        if (row_ >= kMaxRows) return ValidationError(fmt::format("{}: too many rows", part_));
      }
      last_row_ = row_;
      col_ = -1;
    } else if (level == 2 && in_row_ && name == "c") {
      in_c_ = true;
      v_.clear();
      inline_.clear();
      has_is_ = false;
      if (auto r = p.Attr("r")) {
        auto ref = ParseCellReference(Trim(*r));
        if (!ref)
          return ValidationError(fmt::format("{}: cell reference '{}' is not valid", part_, *r));
        cell_row_ = ref->first;
        col_ = ref->second;
        last_row_ = std::max(last_row_, cell_row_);
      } else {
        cell_row_ = row_;
        ++col_;
        if (col_ >= kMaxColumns) return ValidationError(fmt::format("{}: too many columns", part_));
      }
      type_ = p.Attr("t").value_or("");
      style_ = ParseLong(p.Attr("s").value_or("0")).value_or(0);
    } else if (level == 3 && in_c_ && name == "v") {
      in_v_ = true;
    } else if (level == 3 && in_c_ && name == "is") {
      has_is_ = true;
      is_depth_ = p.depth();
    } else if (is_depth_ != 0 && skip_depth_ == 0) {
      if (name == "rPh" || name == "phoneticPr") {
        skip_depth_ = p.depth();
      } else if (name == "t") {
        in_is_t_ = true;
      }
    }
    return Status::Ok();
  }

  Status End(XmlPull& p) {
    if (data_depth_ == 0) return Status::Ok();
    if (p.depth() == data_depth_) {
      data_depth_ = 0;
      return Status::Ok();
    }
    if (p.depth() == skip_depth_) {
      skip_depth_ = 0;
    } else if (p.depth() == is_depth_) {
      is_depth_ = 0;
    } else if (in_is_t_ && p.name() == "t") {
      in_is_t_ = false;
    } else if (in_v_ && p.name() == "v") {
      in_v_ = false;
    } else if (in_c_ && p.depth() == data_depth_ + 2) {
      in_c_ = false;
      return Place();
    } else if (in_row_ && p.depth() == data_depth_ + 1) {
      in_row_ = false;
    }
    return Status::Ok();
  }

  bool IsDateStyle() const {
    return style_ >= 0 && static_cast<size_t>(style_) < ctx_.date_styles->size() &&
           (*ctx_.date_styles)[static_cast<size_t>(style_)];
  }

  Result<CellValue> Value() {
    using Kind = CellValue::Kind;
    if (type_ == "s") {
      if (Trim(v_).empty()) return CellValue{};
      auto index = ParseLong(v_);
      if (!index || *index < 0 || static_cast<size_t>(*index) >= ctx_.strings->size()) {
        return ValidationError(
            fmt::format("{}: cell {} refers to shared string '{}', but the workbook has {}", part_,
                        CellName(cell_row_, col_), v_, ctx_.strings->size()));
      }
      return CellValue::String(std::string(ctx_.strings->at(static_cast<size_t>(*index))));
    }
    if (type_ == "inlineStr") {
      return CellValue::String(UnescapeXstring(has_is_ ? std::move(inline_) : std::move(v_)));
    }
    if (type_ == "str") return CellValue::String(UnescapeXstring(std::move(v_)));
    if (type_ == "b") {
      std::string_view v = Trim(v_);
      if (v.empty()) return CellValue{};
      if (v == "1" || v == "true") return CellValue{Kind::kBoolean, "TRUE"};
      if (v == "0" || v == "false") return CellValue{Kind::kBoolean, "FALSE"};
      return CellValue::String(UnescapeXstring(std::move(v_)));
    }
    if (type_ == "e") return CellValue{Kind::kError, UnescapeXstring(std::move(v_))};
    if (type_ == "d") {
      if (Trim(v_).empty()) return CellValue{};
      if (auto iso = NormalizeIsoDate(v_)) return CellValue{Kind::kDate, std::move(*iso)};
      return CellValue::String(UnescapeXstring(std::move(v_)));
    }
    if (type_.empty() || type_ == "n") {
      std::string_view v = Trim(v_);
      if (v.empty()) return CellValue{};
      if (IsDateStyle()) {
        if (auto iso = SerialToIso(v, ctx_.date1904))
          return CellValue{Kind::kDate, std::move(*iso)};
      }
      std::string text(v);
      SanitizeUtf8(text);
      return CellValue::Number(std::move(text));
    }
    return CellValue::String(UnescapeXstring(std::move(v_)));  // an unknown type: its text
  }

  Status Place() {
    AMIPLACE_ASSIGN_OR_RETURN(CellValue value, Value());
    if (value.empty()) return Status::Ok();
    const ReadLimits& limits = *ctx_.limits;
    ctx_.text_bytes += value.text.size();
    if (ctx_.text_bytes > limits.max_inflated_bytes) {
      return ValidationError(fmt::format("the workbook holds more than {} of text",
                                         Megabytes(limits.max_inflated_bytes)));
    }
    auto& rows = sheet_.rows;
    const auto r = static_cast<size_t>(cell_row_);
    const auto c = static_cast<size_t>(col_);
    if (rows.size() <= r) rows.resize(r + 1);
    auto& row = rows[r];
    if (row.size() <= c) {
      ctx_.cells += c + 1 - row.size();
      if (ctx_.cells > limits.max_cells) {
        return ValidationError(
            fmt::format("the workbook has more than {} cells (counting the empty ones between "
                        "filled cells); that is more than an upload may hold",
                        limits.max_cells));
      }
      row.resize(c + 1);
    }
    row[c] = std::move(value);
    return Status::Ok();
  }

  ReadContext& ctx_;
  const std::string& part_;
  Sheet& sheet_;
  size_t data_depth_ = 0;  // the open <sheetData>'s depth, 0 outside it
  bool in_row_ = false;
  bool in_c_ = false;
  bool in_v_ = false;
  bool in_is_t_ = false;
  bool has_is_ = false;
  size_t is_depth_ = 0;
  size_t skip_depth_ = 0;
  int row_ = -1;       // the open row
  int last_row_ = -1;  // the last row met, for a row without r=
  int col_ = -1;       // the last cell's column, for a cell without r=
  int cell_row_ = 0;
  std::string type_;
  long style_ = 0;
  std::string v_;
  std::string inline_;
};

// ---------------------------------------------------------------------------------------------

// The workbook part: what _rels/.rels names as the office document, else xl/workbook.xml.
Result<std::string> FindWorkbookPart(Archive& archive) {
  AMIPLACE_ASSIGN_OR_RETURN(auto root_rels, ReadRelationships(archive, ""));
  for (const auto& [id, rel] : root_rels) {
    if (rel.type == "officeDocument" && archive.Has(rel.target)) return rel.target;
  }
  if (archive.Has("xl/workbook.xml")) return std::string("xl/workbook.xml");
  return ValidationError(NotAWorkbook("it has no xl/workbook.xml"));
}

Result<Workbook> Read(std::string_view bytes, const ReadLimits& limits) {
  AMIPLACE_ASSIGN_OR_RETURN(std::unique_ptr<Archive> archive, Archive::Open(bytes, limits));
  AMIPLACE_ASSIGN_OR_RETURN(std::string workbook_part, FindWorkbookPart(*archive));
  AMIPLACE_ASSIGN_OR_RETURN(auto workbook_doc, ParseDom(*archive, workbook_part));
  pugi::xml_node root = workbook_doc->document_element();
  if (LocalName(root.name()) != "workbook") {
    return ValidationError(NotAWorkbook(fmt::format("{} is not a workbook", workbook_part)));
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto rels, ReadRelationships(*archive, workbook_part));

  ReadContext ctx;
  ctx.limits = &limits;
  std::string date1904 = Attribute(Child(root, "workbookPr"), "date1904").value_or("");
  ctx.date1904 = date1904 == "1" || date1904 == "true";

  std::string styles_part, strings_part;
  for (const auto& [id, rel] : rels) {
    if (rel.type == "styles") styles_part = rel.target;
    if (rel.type == "sharedStrings") strings_part = rel.target;
  }
  if (strings_part.empty() && archive->Has("xl/sharedStrings.xml")) {
    strings_part = "xl/sharedStrings.xml";
  }
  if (styles_part.empty()) styles_part = "xl/styles.xml";
  AMIPLACE_ASSIGN_OR_RETURN(std::vector<bool> date_styles, ReadDateStyles(*archive, styles_part));
  ctx.date_styles = &date_styles;

  SharedStrings strings;
  if (!strings_part.empty() && archive->Has(strings_part)) {
    AMIPLACE_ASSIGN_OR_RETURN(std::string xml, archive->Read(strings_part));
    AMIPLACE_RETURN_IF_ERROR(strings.Parse(ToUtf8(std::move(xml)), strings_part));
  }
  ctx.strings = &strings;

  Workbook workbook;
  for (pugi::xml_node node : Children(Child(root, "sheets"), "sheet")) {
    Sheet sheet;
    sheet.name = Attribute(node, "name").value_or("");
    SanitizeUtf8(sheet.name);
    std::string id = Attribute(node, "id", /*prefixed=*/true).value_or("");
    auto rel = rels.find(id);
    if (rel == rels.end()) {
      return ValidationError(fmt::format("{} lists sheet '{}' without a relationship to its part",
                                         workbook_part, sheet.name));
    }
    const std::string& part = rel->second.target;
    if (!archive->Has(part)) {
      return ValidationError(
          fmt::format("{} lists sheet '{}' at {}, which the file does not contain", workbook_part,
                      sheet.name, part));
    }
    AMIPLACE_ASSIGN_OR_RETURN(std::string xml, archive->Read(part));
    AMIPLACE_RETURN_IF_ERROR(SheetParser(ctx, part, sheet).Parse(ToUtf8(std::move(xml))));
    workbook.sheets.push_back(std::move(sheet));
  }
  if (workbook.sheets.empty()) {
    return ValidationError(fmt::format("{} lists no sheets", workbook_part));
  }
  return workbook;
}

}  // namespace

Result<Workbook> ReadXlsx(std::string_view bytes, const ReadLimits& limits) {
  try {
    return Read(bytes, limits);
  } catch (const std::bad_alloc&) {
    return ValidationError("the workbook is too large to read");
  }
}

}  // namespace amiplace::plf
