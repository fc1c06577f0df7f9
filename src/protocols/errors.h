// The one place where a Status becomes a wire error. Each protocol has its own shape:
//   rest-json (Catalog, amiplace API): HTTP status, `x-amzn-ErrorType`, body {"Message": ...}
//   awsJson 1.1 (Metering, Entitlement): body {"__type": ..., "message": ...}
//   EC2 query: HTTP status, XML <Response><Errors><Error><Code/><Message/></Error></Errors>
//     <RequestID/></Response>, the Code taken from an EC2-coded message (app/ec2_error.h) or else
//     from the Status code
// The client sees the Status message, which names the field; internal faults are logged with
// their detail and answered with a generic message. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "protocols/http/message.h"

namespace amiplace::protocols {

enum class WireProtocol { kRestJson, kAwsJson, kEc2Query };

struct WireError {
  int http_status;
  std::string_view type;  // e.g. "ValidationException"
};

WireError ErrorFor(ErrorCode code, WireProtocol protocol);

http::Response ErrorResponse(const Status& status, WireProtocol protocol,
                             std::string_view request_id);

}  // namespace amiplace::protocols
