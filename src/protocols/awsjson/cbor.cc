#include "protocols/awsjson/cbor.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/crypto.h"
#include "protocols/model/utf8.h"

namespace amiplace::cbor {

namespace {

namespace bj = boost::json;

constexpr uint8_t kUnsigned = 0, kNegative = 1, kBytes = 2, kText = 3, kArray = 4, kMap = 5,
                  kTag = 6, kSimple = 7;
constexpr uint8_t kIndefinite = 31;
constexpr uint8_t kBreak = 0xff;

// Decodes an IEEE 754 half-precision float (RFC 8949 Appendix D).
double HalfToDouble(uint16_t half) {
  const int exp = (half >> 10) & 0x1f;
  const int mant = half & 0x3ff;
  double val;
  if (exp == 0) {
    val = std::ldexp(mant, -24);
  } else if (exp != 31) {
    val = std::ldexp(mant + 1024, exp - 25);
  } else {
    val = mant == 0 ? std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::quiet_NaN();
  }
  return (half & 0x8000) ? -val : val;
}

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  Result<bj::value> DecodeAll() {
    if (in_.empty()) return Error(0, "empty input");
    AMIPLACE_ASSIGN_OR_RETURN(bj::value v, Item(1));
    if (pos_ != in_.size()) return Error(pos_, "trailing bytes after the top-level item");
    return v;
  }

 private:
  struct Head {
    size_t offset;  // of the initial byte
    uint8_t major;
    uint8_t info;  // additional information (0..31)
    uint64_t arg;  // the argument; meaningless when info is kIndefinite
  };

  Status Error(size_t offset, std::string_view what) const {
    return Status(ErrorCode::kMalformedRequest,
                  fmt::format("Malformed CBOR at offset {}: {}", offset, what));
  }
  size_t Remaining() const { return in_.size() - pos_; }

  Result<Head> ReadHead() {
    if (pos_ >= in_.size()) return Error(pos_, "unexpected end of input");
    Head h{pos_, static_cast<uint8_t>(static_cast<uint8_t>(in_[pos_]) >> 5),
           static_cast<uint8_t>(static_cast<uint8_t>(in_[pos_]) & 0x1f), 0};
    ++pos_;
    if (h.info < 24) {
      h.arg = h.info;
    } else if (h.info <= 27) {
      const size_t n = size_t{1} << (h.info - 24);
      if (Remaining() < n) return Error(h.offset, "argument runs past the end of input");
      for (size_t i = 0; i < n; ++i) h.arg = (h.arg << 8) | static_cast<uint8_t>(in_[pos_ + i]);
      pos_ += n;
    } else if (h.info != kIndefinite) {
      return Error(h.offset, fmt::format("reserved additional information {}", h.info));
    }
    return h;
  }

  bool AtBreak() const { return pos_ < in_.size() && static_cast<uint8_t>(in_[pos_]) == kBreak; }

  // A byte or text string's content, `h` being its head.
  Result<std::string> String(const Head& h) {
    std::string out;
    if (h.info != kIndefinite) {
      if (h.arg > Remaining()) {
        return Error(h.offset,
                     fmt::format("string length {} exceeds the {} bytes left", h.arg, Remaining()));
      }
      out.assign(in_.substr(pos_, h.arg));
      pos_ += h.arg;
      if (h.major == kText && !model::IsValidUtf8(out)) {
        return Error(h.offset, "text string is not valid UTF-8");
      }
      return out;
    }
    while (true) {
      if (pos_ >= in_.size()) return Error(pos_, "indefinite-length string has no break");
      if (AtBreak()) {
        ++pos_;
        return out;
      }
      AMIPLACE_ASSIGN_OR_RETURN(Head chunk, ReadHead());
      if (chunk.major != h.major || chunk.info == kIndefinite) {
        return Error(chunk.offset,
                     "a chunk of an indefinite-length string must be a definite string of the "
                     "same type");
      }
      AMIPLACE_ASSIGN_OR_RETURN(std::string part, String(chunk));
      out += part;
    }
  }

  Result<bj::value> Item(int depth) {
    AMIPLACE_ASSIGN_OR_RETURN(Head h, ReadHead());
    // `depth` counts the arrays, maps and tags around (and including) this item.
    if (depth > kMaxDepth && (h.major == kArray || h.major == kMap || h.major == kTag)) {
      return Error(h.offset, fmt::format("nesting deeper than {}", kMaxDepth));
    }
    if (h.info == kIndefinite &&
        (h.major == kUnsigned || h.major == kNegative || h.major == kTag)) {
      return Error(h.offset,
                   fmt::format("major type {} cannot have an indefinite length", h.major));
    }
    switch (h.major) {
      case kUnsigned:
        return bj::value(h.arg);
      case kNegative:
        if (h.arg > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return Error(h.offset, "negative integer below -2^63");
        }
        return bj::value(-1 - static_cast<int64_t>(h.arg));
      case kBytes: {
        AMIPLACE_ASSIGN_OR_RETURN(std::string bytes, String(h));
        return bj::value(crypto::Base64(bytes));
      }
      case kText: {
        AMIPLACE_ASSIGN_OR_RETURN(std::string text, String(h));
        return bj::value(std::move(text));
      }
      case kArray:
        return Array(h, depth);
      case kMap:
        return Map(h, depth);
      case kTag: {
        if (h.arg != 1) return Error(h.offset, fmt::format("unsupported tag {}", h.arg));
        const size_t content = pos_;
        AMIPLACE_ASSIGN_OR_RETURN(bj::value v, Item(depth + 1));
        if (!v.is_number()) return Error(content, "tag 1 (epoch time) must enclose a number");
        return v;
      }
      case kSimple:
        return Simple(h);
    }
    return Error(h.offset, "unknown major type");  // unreachable: major is 3 bits
  }

  Result<bj::value> Array(const Head& h, int depth) {
    bj::array out;
    if (h.info != kIndefinite) {
      if (h.arg > Remaining()) {
        return Error(h.offset, fmt::format("array of {} items exceeds the {} bytes left", h.arg,
                                           Remaining()));
      }
      out.reserve(h.arg);
      for (uint64_t i = 0; i < h.arg; ++i) {
        AMIPLACE_ASSIGN_OR_RETURN(bj::value v, Item(depth + 1));
        out.push_back(std::move(v));
      }
      return bj::value(std::move(out));
    }
    while (true) {
      if (pos_ >= in_.size()) return Error(pos_, "indefinite-length array has no break");
      if (AtBreak()) {
        ++pos_;
        return bj::value(std::move(out));
      }
      AMIPLACE_ASSIGN_OR_RETURN(bj::value v, Item(depth + 1));
      out.push_back(std::move(v));
    }
  }

  Result<bj::value> Map(const Head& h, int depth) {
    bj::object out;
    auto member = [&]() -> Status {
      const size_t key_offset = pos_;
      AMIPLACE_ASSIGN_OR_RETURN(Head kh, ReadHead());
      if (kh.major != kText) return Error(key_offset, "map keys must be text strings");
      AMIPLACE_ASSIGN_OR_RETURN(std::string key, String(kh));
      if (out.contains(key)) return Error(key_offset, fmt::format("duplicate map key '{}'", key));
      AMIPLACE_ASSIGN_OR_RETURN(bj::value v, Item(depth + 1));
      out.emplace(key, std::move(v));
      return Status::Ok();
    };
    if (h.info != kIndefinite) {
      if (h.arg > Remaining() / 2) {
        return Error(h.offset,
                     fmt::format("map of {} pairs exceeds the {} bytes left", h.arg, Remaining()));
      }
      out.reserve(h.arg);
      for (uint64_t i = 0; i < h.arg; ++i) AMIPLACE_RETURN_IF_ERROR(member());
      return bj::value(std::move(out));
    }
    while (true) {
      if (pos_ >= in_.size()) return Error(pos_, "indefinite-length map has no break");
      if (AtBreak()) {
        ++pos_;
        return bj::value(std::move(out));
      }
      AMIPLACE_RETURN_IF_ERROR(member());
    }
  }

  Result<bj::value> Simple(const Head& h) {
    switch (h.info) {
      case 20:
        return bj::value(false);
      case 21:
        return bj::value(true);
      case 22:
      case 23:
        return bj::value(nullptr);  // null; undefined
      case 25:
        return bj::value(HalfToDouble(static_cast<uint16_t>(h.arg)));
      case 26:
        return bj::value(static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(h.arg))));
      case 27:
        return bj::value(std::bit_cast<double>(h.arg));
      case kIndefinite:
        return Error(h.offset, "break outside an indefinite-length item");
      default:
        return Error(h.offset, fmt::format("unassigned simple value {}", h.arg));
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
};

class Encoder {
 public:
  explicit Encoder(const EncodeOptions& options) : options_(options) {}

  void Value(const bj::value& v) {
    switch (v.kind()) {
      case bj::kind::null:
        out_ += static_cast<char>(0xf6);
        break;
      case bj::kind::bool_:
        out_ += static_cast<char>(v.get_bool() ? 0xf5 : 0xf4);
        break;
      case bj::kind::int64: {
        const int64_t i = v.get_int64();
        if (i >= 0)
          Head(kUnsigned, static_cast<uint64_t>(i));
        else
          Head(kNegative, static_cast<uint64_t>(-1 - i));
        break;
      }
      case bj::kind::uint64:
        Head(kUnsigned, v.get_uint64());
        break;
      case bj::kind::double_: {
        out_ += static_cast<char>(0xfb);
        const auto bits = std::bit_cast<uint64_t>(v.get_double());
        for (int s = 56; s >= 0; s -= 8) out_ += static_cast<char>((bits >> s) & 0xff);
        break;
      }
      case bj::kind::string:
        Text(v.get_string());
        break;
      case bj::kind::array:
        Head(kArray, v.get_array().size());
        for (const auto& e : v.get_array()) Value(e);
        break;
      case bj::kind::object:
        Head(kMap, v.get_object().size());
        for (const auto& m : v.get_object()) {
          Text(m.key());
          if (m.value().is_number() && IsTimestamp(m.key())) Head(kTag, 1);
          Value(m.value());
        }
        break;
    }
  }

  std::string Finish() { return std::move(out_); }

 private:
  void Head(uint8_t major, uint64_t arg) {
    const auto m = static_cast<uint8_t>(major << 5);
    if (arg < 24) {
      out_ += static_cast<char>(m | arg);
      return;
    }
    int bytes = arg <= 0xff ? 1 : arg <= 0xffff ? 2 : arg <= 0xffffffffULL ? 4 : 8;
    out_ += static_cast<char>(m | (24 + std::countr_zero(static_cast<unsigned>(bytes))));
    for (int s = (bytes - 1) * 8; s >= 0; s -= 8) out_ += static_cast<char>((arg >> s) & 0xff);
  }
  void Text(std::string_view s) {
    Head(kText, s.size());
    out_ += s;
  }
  bool IsTimestamp(std::string_view key) const {
    for (auto k : options_.timestamp_members) {
      if (k == key) return true;
    }
    return false;
  }

  const EncodeOptions& options_;
  std::string out_;
};

}  // namespace

Result<bj::value> Decode(std::string_view bytes) { return Decoder(bytes).DecodeAll(); }

std::string Encode(const bj::value& value, const EncodeOptions& options) {
  Encoder e(options);
  e.Value(value);
  return e.Finish();
}

}  // namespace amiplace::cbor
