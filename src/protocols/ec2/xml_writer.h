// A small streaming XML writer for EC2's answers: elements and text only (no attributes beyond a
// root namespace), every text escaped. EC2's responses are flat enough that nothing more is
// needed. Not thread-safe; one writer per response.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace amiplace::protocols::ec2 {

// Escapes text for element content or an attribute value: & < > " ' as entities; tab, newline
// and carriage return as character references (so they survive attribute normalization); other
// characters XML 1.0 cannot carry (C0 controls, U+FFFE/U+FFFF, broken UTF-8) as U+FFFD.
std::string XmlEscape(std::string_view text);

inline constexpr std::string_view kXmlDeclaration = R"(<?xml version="1.0" encoding="UTF-8"?>)";

class XmlWriter {
 public:
  XmlWriter() { out_.append(kXmlDeclaration).push_back('\n'); }

  // Opens <tag> (with xmlns="…" when `xmlns` is not empty).
  XmlWriter& Open(std::string_view tag, std::string_view xmlns = {});
  // Closes the innermost open element.
  XmlWriter& Close();
  // <tag>text</tag>
  XmlWriter& Text(std::string_view tag, std::string_view text);
  // Text() only when `text` is not empty (EC2 leaves out unset members).
  XmlWriter& TextIfSet(std::string_view tag, std::string_view text);
  XmlWriter& Bool(std::string_view tag, bool value);
  XmlWriter& Int(std::string_view tag, int64_t value);

  // Closes every open element and returns the document.
  std::string Finish();

 private:
  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace amiplace::protocols::ec2
