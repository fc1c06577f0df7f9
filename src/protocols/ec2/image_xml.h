// How EC2 shows an image in DescribeImages: one <item> of <imagesSet>, member names and order as
// EC2 2016-11-15 answers them (and @aws-sdk/client-ec2 and botocore read them). Stateless.
#pragma once

#include "domain/commerce/image.h"
#include "protocols/ec2/xml_writer.h"

namespace amiplace::protocols::ec2 {

inline constexpr std::string_view kEc2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

// Writes <item>…</item> for `image`.
void WriteImageItem(XmlWriter& xml, const Image& image);

// Writes <item>…</item> of a blockDeviceMapping list.
void WriteBlockDeviceMappingItem(XmlWriter& xml, const BlockDeviceMapping& mapping);

// Writes DescribeImageAttribute's member for `attribute` (an ImageAttributeName) of `image`.
void WriteImageAttribute(XmlWriter& xml, const Image& image, std::string_view attribute);

}  // namespace amiplace::protocols::ec2
