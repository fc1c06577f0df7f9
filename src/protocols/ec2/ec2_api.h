// The EC2 API (2016-11-15) over the EC2 query protocol: a form-encoded `POST /` (or a `GET /`
// with a query) whose `Action` names the operation, answered in XML in EC2's namespace. Now the
// image operations of an AMI product (RegisterImage, DescribeImages, DeregisterImage,
// DescribeImageAttribute) and the instance operations (RunInstances, DescribeInstances,
// StartInstances, StopInstances, TerminateInstances, CreateImage). Each handler binds the
// parameters into a typed input, calls one use case and writes the XML; errors are EC2-coded
// Statuses (app/ec2_error.h) that protocols/errors.cc turns into EC2's <Response><Errors> shape.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "app/image_service.h"
#include "app/instance_service.h"
#include "protocols/http/message.h"

namespace amiplace::protocols {

class Ec2Api {
 public:
  // Without `instances`, the instance operations answer InvalidAction.
  explicit Ec2Api(ImageService& images, InstanceService* instances = nullptr)
      : images_(images), instances_(instances) {}

  // Whether `req` speaks the EC2 query protocol: `POST /` with a form body, or `GET /?Action=…`,
  // and no X-Amz-Target (which is awsJson).
  static bool Matches(const http::Request& req);
  // Whether its Action only reads (Describe*), so it may run on a network thread.
  static bool IsReadOnly(const http::Request& req);

  // The XML answer to an authenticated request, or its error.
  Result<std::string> Handle(const http::Request& req, const Caller& caller,
                             std::string_view request_id);

 private:
  ImageService& images_;
  InstanceService* instances_;
};

}  // namespace amiplace::protocols
