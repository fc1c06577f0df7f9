#include "protocols/ec2/xml_writer.h"

#include <gtest/gtest.h>

namespace amiplace::protocols::ec2 {
namespace {

TEST(Ec2XmlTest, EscapesEveryValue) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(XmlEscape("line\nnext\ttab\r"), "line&#10;next&#9;tab&#13;");
  EXPECT_EQ(XmlEscape(std::string("nul\0x", 5)), "nul\xEF\xBF\xBDx");
  EXPECT_EQ(XmlEscape("\x01"), "\xEF\xBF\xBD");
  EXPECT_EQ(XmlEscape("caf\xC3\xA9 \xE2\x82\xAC"), "caf\xC3\xA9 \xE2\x82\xAC");
  EXPECT_EQ(XmlEscape("bad\xFF"), "bad\xEF\xBF\xBD");
  EXPECT_EQ(XmlEscape("\xEF\xBF\xBE"), "\xEF\xBF\xBD");  // U+FFFE is not an XML character
}

TEST(Ec2XmlTest, WritesNestedElements) {
  XmlWriter xml;
  xml.Open("DescribeImagesResponse", "http://ec2.amazonaws.com/doc/2016-11-15/");
  xml.Text("requestId", "r-1");
  xml.Open("imagesSet").Open("item").Text("name", "a&b").Bool("isPublic", false).Int("n", -3);
  xml.TextIfSet("description", "");
  std::string out = xml.Finish();  // closes item, imagesSet and the response
  EXPECT_EQ(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<DescribeImagesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
            "<requestId>r-1</requestId><imagesSet><item><name>a&amp;b</name>"
            "<isPublic>false</isPublic><n>-3</n></item></imagesSet></DescribeImagesResponse>");
}

}  // namespace
}  // namespace amiplace::protocols::ec2
