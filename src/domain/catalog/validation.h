// Field checks shared by the change-type handlers. Each returns a kValidation Status whose
// message starts with the field's full name ("ChangeSet[0].DetailsDocument.ProductTitle") and
// states the rule. Stateless; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <vector>
#include <string>
#include <string_view>

#include "core/status.h"

namespace amiplace::validate {

size_t CodePoints(std::string_view utf8);
std::string Join(std::string_view prefix, std::string_view member);

Status IsObject(const boost::json::value& v, std::string_view field);
// Every key of `o` must be one of `allowed`.
Status KnownMembers(const boost::json::object& o, const std::vector<std::string_view>& allowed,
                    std::string_view field);
// At least one of `members` is present.
Status AnyOf(const boost::json::object& o, const std::vector<std::string_view>& members,
             std::string_view field);

struct StringRule {
  size_t min = 0;
  size_t max = 0;            // 0 = no maximum
  bool nullable = false;      // JSON null accepted (clears the field)
  bool no_control = true;     // rejects \x00-\x08, \x0B-\x1F
  bool https_url = false;     // must be an https:// URL
  std::string_view pattern_name;  // for messages, when `check` is set
  bool (*check)(std::string_view) = nullptr;
};
// Checks o[member] when present (or requires it when `required`).
Status String(const boost::json::object& o, std::string_view member, std::string_view field,
              const StringRule& rule, bool required = false);

struct ListRule {
  size_t min = 0;
  size_t max = 0;  // 0 = no maximum
  bool unique = false;
};
// An array of strings, each under `item`.
Status StringList(const boost::json::object& o, std::string_view member, std::string_view field,
                  const ListRule& list, const StringRule& item, bool required = false);
// An array (of anything); returns the array through `out` when present.
Status Array(const boost::json::object& o, std::string_view member, std::string_view field,
             const ListRule& list, const boost::json::array** out, bool required = false);

// A details document that is an object holding exactly one member, a list of strings
// ({"Regions": [...]}, {"InstanceTypes": [...]}): the shape several change types share.
Status SingleStringListDocument(const boost::json::value& details, std::string_view field,
                                std::string_view member, const ListRule& list,
                                const StringRule& item);

bool IsHttpsUrl(std::string_view s);
bool HasControlChars(std::string_view s);

}  // namespace amiplace::validate
