// CBOR (RFC 8949) to and from Boost.JSON values, as much as Smithy's rpc-v2-cbor protocol uses:
// unsigned and negative integers, byte strings (as base64 text, Smithy's blob mapping), text
// strings, arrays and maps (definite or indefinite length; map keys must be text), tag 1 (epoch
// timestamps, decoded to the number they carry), half/single/double floats, false, true, null
// and undefined (decoded as null).
//
// Decoding is strict and bounded: a declared length never exceeds what the input can still hold,
// at most kMaxDepth arrays, maps and tags nest, the input must be exactly one item, text must be
// UTF-8, map keys must be unique; other tags, unassigned simple values, reserved additional
// information, a misplaced break, and negative integers below INT64_MIN are refused. Every refusal
// is a kMalformedRequest Status naming the byte offset. It never reads past the input.
//
// Encoding uses the shortest heads and definite lengths; doubles are written as float64. Object
// members whose key is listed in EncodeOptions::timestamp_members and whose value is a number are
// written as tag 1 (Smithy timestamps).
//
// Stateless functions; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace amiplace::cbor {

inline constexpr int kMaxDepth = 64;

Result<boost::json::value> Decode(std::string_view bytes);

struct EncodeOptions {
  std::vector<std::string_view> timestamp_members;
};

std::string Encode(const boost::json::value& value, const EncodeOptions& options = {});

}  // namespace amiplace::cbor
