#include "protocols/ec2/xml_writer.h"

#include <fmt/format.h>

#include "protocols/model/utf8.h"

namespace amiplace::protocols::ec2 {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        ++i;
        continue;
      case '<':
        out += "&lt;";
        ++i;
        continue;
      case '>':
        out += "&gt;";
        ++i;
        continue;
      case '"':
        out += "&quot;";
        ++i;
        continue;
      case '\'':
        out += "&apos;";
        ++i;
        continue;
      case '\t':
        out += "&#9;";
        ++i;
        continue;
      case '\n':
        out += "&#10;";
        ++i;
        continue;
      case '\r':
        out += "&#13;";
        ++i;
        continue;
      default:
        break;
    }
    const size_t start = i;
    bool valid = true;
    const char32_t cp = model::NextCodePoint(text, i, &valid);
    if (!valid || cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out;
}

XmlWriter& XmlWriter::Open(std::string_view tag, std::string_view xmlns) {
  out_.push_back('<');
  out_.append(tag);
  if (!xmlns.empty()) {
    out_.append(" xmlns=\"").append(XmlEscape(xmlns)).push_back('"');
  }
  out_.push_back('>');
  open_.emplace_back(tag);
  return *this;
}

XmlWriter& XmlWriter::Close() {
  if (open_.empty()) return *this;
  out_.append("</").append(open_.back()).push_back('>');
  open_.pop_back();
  return *this;
}

XmlWriter& XmlWriter::Text(std::string_view tag, std::string_view text) {
  out_.push_back('<');
  out_.append(tag).push_back('>');
  out_.append(XmlEscape(text));
  out_.append("</").append(tag).push_back('>');
  return *this;
}

XmlWriter& XmlWriter::TextIfSet(std::string_view tag, std::string_view text) {
  return text.empty() ? *this : Text(tag, text);
}

XmlWriter& XmlWriter::Bool(std::string_view tag, bool value) {
  return Text(tag, value ? "true" : "false");
}

XmlWriter& XmlWriter::Int(std::string_view tag, int64_t value) {
  return Text(tag, fmt::format("{}", value));
}

std::string XmlWriter::Finish() {
  while (!open_.empty()) Close();
  return std::move(out_);
}

}  // namespace amiplace::protocols::ec2
