#include "domain/commerce/instance.h"

#include <gtest/gtest.h>

#include <set>

#include "domain/commerce/instance_filter.h"

namespace amiplace {
namespace {

const TimePoint kT0 = FromEpochMillis(1'700'000'000'000);
constexpr Millis kDelay{1000};

Instance Launched() {
  Instance i;
  i.instance_id = "i-0123456789abcdef0";
  i.reservation_id = "r-0123456789abcdef0";
  i.region = "us-east-1";
  i.owner_account_id = "111111111111";
  i.image_id = "ami-0123456789abcdef0";
  i.instance_type = "t3.micro";
  i.state = InstanceState::kPending;
  i.state_since = kT0;
  i.launched_at = kT0;
  i.launch_time = kT0;
  i.private_ip = "127.100.0.1";
  return i;
}

uint32_t Ip(std::string_view dotted) { return ParseIpv4(dotted).value(); }

TEST(InstanceStateTest, NamesAndCodesAreEc2s) {
  EXPECT_EQ(InstanceStateName(InstanceState::kPending), "pending");
  EXPECT_EQ(InstanceStateCode(InstanceState::kPending), 0);
  EXPECT_EQ(InstanceStateCode(InstanceState::kRunning), 16);
  EXPECT_EQ(InstanceStateCode(InstanceState::kShuttingDown), 32);
  EXPECT_EQ(InstanceStateCode(InstanceState::kTerminated), 48);
  EXPECT_EQ(InstanceStateCode(InstanceState::kStopping), 64);
  EXPECT_EQ(InstanceStateCode(InstanceState::kStopped), 80);
  for (auto s : {InstanceState::kPending, InstanceState::kRunning, InstanceState::kShuttingDown,
                 InstanceState::kTerminated, InstanceState::kStopping, InstanceState::kStopped}) {
    EXPECT_EQ(ParseInstanceState(InstanceStateName(s)), s);
  }
  EXPECT_FALSE(ParseInstanceState("rebooting").has_value());
}

TEST(InstanceStateTest, PendingSettlesIntoRunningAfterTheDelay) {
  Instance i = Launched();
  EXPECT_EQ(Settle(i, kT0 + Millis(999), kDelay).state, InstanceState::kPending);
  Instance running = Settle(i, kT0 + Millis(5000), kDelay);
  EXPECT_EQ(running.state, InstanceState::kRunning);
  EXPECT_EQ(running.state_since, kT0 + kDelay) << "running began when the delay ended";
  EXPECT_EQ(running.private_ip, "127.100.0.1");
  // With no delay (the server's default) the next read already sees it running.
  EXPECT_EQ(Settle(i, kT0, Millis(0)).state, InstanceState::kRunning);
}

TEST(InstanceStateTest, StopStartTerminateMoveAsEc2s) {
  TimePoint now = kT0 + Millis(10'000);
  Instance i = Settle(Launched(), now, kDelay);
  ASSERT_EQ(i.state, InstanceState::kRunning);

  auto stop = StopInstance(i, now);
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->previous, InstanceState::kRunning);
  EXPECT_EQ(stop->current, InstanceState::kStopping);
  EXPECT_EQ(i.state_reason_code, "Client.UserInitiatedShutdown");
  EXPECT_EQ(i.state_transition_reason, "User initiated (2023-11-14 22:13:30 GMT)");
  i = Settle(i, now + kDelay, kDelay);
  EXPECT_EQ(i.state, InstanceState::kStopped);
  EXPECT_EQ(i.private_ip, "127.100.0.1") << "a stopped instance keeps its address";

  // Stopping a stopped instance changes nothing, as on EC2.
  auto again = StopInstance(i, now + kDelay);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->previous, InstanceState::kStopped);
  EXPECT_EQ(again->current, InstanceState::kStopped);

  now += Millis(60'000);
  auto start = StartInstance(i, now);
  ASSERT_TRUE(start);
  EXPECT_EQ(start->previous, InstanceState::kStopped);
  EXPECT_EQ(start->current, InstanceState::kPending);
  EXPECT_EQ(i.launch_time, now) << "LaunchTime is the last start";
  EXPECT_EQ(i.launched_at, kT0);
  EXPECT_TRUE(i.state_reason_code.empty());
  i = Settle(i, now + kDelay, kDelay);
  EXPECT_EQ(i.state, InstanceState::kRunning);

  auto running_start = StartInstance(i, now + kDelay);
  ASSERT_TRUE(running_start);
  EXPECT_EQ(running_start->current, InstanceState::kRunning);

  auto term = TerminateInstance(i, now + kDelay);
  ASSERT_TRUE(term);
  EXPECT_EQ(term->previous, InstanceState::kRunning);
  EXPECT_EQ(term->current, InstanceState::kShuttingDown);
  EXPECT_EQ(Settle(i, now + kDelay, kDelay).state, InstanceState::kShuttingDown);
  i = Settle(i, now + 2 * kDelay, kDelay);
  EXPECT_EQ(i.state, InstanceState::kTerminated);
  EXPECT_TRUE(i.private_ip.empty()) << "a terminated instance gives up its address";

  EXPECT_FALSE(StartInstance(i, now)) << "a terminated instance cannot start";
  EXPECT_FALSE(StopInstance(i, now)) << "nor stop";
  auto twice = TerminateInstance(i, now);
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->previous, InstanceState::kTerminated);
  EXPECT_EQ(twice->current, InstanceState::kTerminated);
}

TEST(InstanceStateTest, TransitionalStatesRefuseTheMovesEc2Refuses) {
  Instance i = Launched();
  ASSERT_TRUE(StopInstance(i, kT0));  // pending → stopping, as EC2 allows
  EXPECT_EQ(i.state, InstanceState::kStopping);
  EXPECT_FALSE(StartInstance(i, kT0)) << "a stopping instance cannot start";
  ASSERT_TRUE(TerminateInstance(i, kT0)) << "but it can be terminated";
  EXPECT_EQ(i.state, InstanceState::kShuttingDown);
  EXPECT_FALSE(StopInstance(i, kT0));
  EXPECT_FALSE(StartInstance(i, kT0));
}

TEST(InstanceStateTest, TerminatedInstancesAreListedForAnHour) {
  Instance i = Settle(Launched(), kT0, Millis(0));
  ASSERT_TRUE(TerminateInstance(i, kT0));
  i = Settle(i, kT0, Millis(0));
  ASSERT_EQ(i.state, InstanceState::kTerminated);
  EXPECT_TRUE(ListedAt(i, kT0 + Millis(59 * 60 * 1000)));
  EXPECT_FALSE(ListedAt(i, kT0 + kTerminatedVisibleFor));
  EXPECT_TRUE(ListedAt(Launched(), kT0 + Millis(365LL * 24 * 3600 * 1000)));
}

TEST(InstanceIdTest, ShapesAreEc2s) {
  std::set<std::string> seen;
  for (int n = 0; n < 100; ++n) {
    std::string id = NewInstanceId();
    EXPECT_TRUE(IsValidInstanceId(id)) << id;
    EXPECT_EQ(id.size(), 19u);
    seen.insert(id);
    std::string r = NewReservationId();
    EXPECT_TRUE(r.starts_with("r-") && r.size() == 19u) << r;
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_TRUE(IsValidInstanceId("i-0123abcd"));
  EXPECT_FALSE(IsValidInstanceId("i-0123ABCD"));
  EXPECT_FALSE(IsValidInstanceId("i-123"));
  EXPECT_FALSE(IsValidInstanceId("ami-0123456789abcdef0"));
}

TEST(InstanceAddressTest, ParsesAndFormatsDottedQuads) {
  EXPECT_EQ(FormatIpv4(kFirstInstanceAddress), "127.100.0.1");
  EXPECT_EQ(FormatIpv4(kLastInstanceAddress), "127.255.255.254");
  EXPECT_EQ(Ip("127.100.0.1"), kFirstInstanceAddress);
  for (const char* bad : {"", "127.0.0", "127.0.0.1.2", "127.0.0.256", "127.0.0.01", "a.b.c.d",
                          "127..0.1", "127.0.0.1."}) {
    EXPECT_FALSE(ParseIpv4(bad).has_value()) << bad;
  }
}

TEST(InstanceAddressTest, HandsOutLoopbackAddressesInOrderSkippingZeroAnd255) {
  EXPECT_EQ(NextInstanceAddress(std::nullopt), Ip("127.100.0.1"));
  EXPECT_EQ(NextInstanceAddress(Ip("127.100.0.1")), Ip("127.100.0.2"));
  EXPECT_EQ(NextInstanceAddress(Ip("127.100.0.254")), Ip("127.100.1.1"));
  EXPECT_EQ(NextInstanceAddress(Ip("127.100.255.254")), Ip("127.101.0.1"));
  // The range wraps around, and nothing outside it (127.0.0.1 above all) is ever handed out.
  EXPECT_EQ(NextInstanceAddress(kLastInstanceAddress), kFirstInstanceAddress);
  EXPECT_EQ(NextInstanceAddress(Ip("127.0.0.1")), kFirstInstanceAddress);
  EXPECT_EQ(NextInstanceAddress(Ip("10.0.0.1")), kFirstInstanceAddress);
}

TEST(InstanceAddressTest, FindsTheFirstFreeAddressAfterTakenOnes) {
  std::vector<uint32_t> taken = {Ip("127.100.0.1"), Ip("127.100.0.2"), Ip("127.100.0.4")};
  EXPECT_EQ(FirstFreeInstanceAddress(Ip("127.100.0.1"), taken), Ip("127.100.0.3"));
  EXPECT_EQ(FirstFreeInstanceAddress(Ip("127.100.0.4"), taken), Ip("127.100.0.5"));
  EXPECT_EQ(FirstFreeInstanceAddress(Ip("127.100.0.255"), taken), Ip("127.100.1.1"));
  // Wrapping around: past the last address it goes on from the first.
  std::vector<uint32_t> end = {Ip("127.100.0.1"), Ip("127.255.255.253"), kLastInstanceAddress};
  EXPECT_EQ(FirstFreeInstanceAddress(Ip("127.255.255.253"), end), Ip("127.100.0.2"));
  EXPECT_EQ(FirstFreeInstanceAddress(Ip("127.0.0.1"), {}), kFirstInstanceAddress);
}

TEST(InstanceAddressTest, PrivateDnsNamesAreEc2s) {
  EXPECT_EQ(PrivateDnsName("us-east-1", "127.100.0.1"), "ip-127-100-0-1.ec2.internal");
  EXPECT_EQ(PrivateDnsName("eu-west-1", "127.100.0.1"), "ip-127-100-0-1.eu-west-1.compute.internal");
  EXPECT_EQ(PrivateDnsName("us-east-1", ""), "");
}

TEST(InstanceJsonTest, RoundTrips) {
  Instance i = Launched();
  i.product_codes.push_back({"code0000000000000000000001", "marketplace"});
  i.product_id = "prod-abcdefghijklm";
  i.subscription_id = "sub-abc";
  i.version_id = "v-1";
  i.tags = {{"Name", "web"}, {"team", ""}};
  i.key_name = "key";
  i.client_token = "token";
  i.ami_launch_index = 3;
  ASSERT_TRUE(StopInstance(i, kT0 + Millis(5)));
  auto back = InstanceFromJson(InstanceToJson(i));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, i);
  EXPECT_FALSE(InstanceFromJson(boost::json::value(1)).ok());
  EXPECT_FALSE(InstanceFromJson(boost::json::object{{"InstanceId", "i-1"}}).ok());
}

TEST(InstanceFilterTest, MatchesEc2sFilters) {
  Instance i = Settle(Launched(), kT0, Millis(0));
  i.product_codes.push_back({"code0000000000000000000001", "marketplace"});
  i.tags = {{"Name", "web-1"}, {"team", "blue"}};
  auto f = [](std::string name, std::vector<std::string> values) {
    return std::vector<ImageFilter>{{std::move(name), std::move(values)}};
  };
  EXPECT_TRUE(MatchesInstanceFilters(i, f("instance-state-name", {"stopped", "running"})));
  EXPECT_FALSE(MatchesInstanceFilters(i, f("instance-state-name", {"stopped"})));
  EXPECT_TRUE(MatchesInstanceFilters(i, f("instance-state-code", {"16"})));
  EXPECT_TRUE(MatchesInstanceFilters(i, f("product-code", {"code*"})));
  EXPECT_TRUE(MatchesInstanceFilters(i, f("product-code.type", {"marketplace"})));
  EXPECT_TRUE(MatchesInstanceFilters(i, f("instance-type", {"t3.?icro"})));
  EXPECT_TRUE(MatchesInstanceFilters(i, f("image-id", {"ami-0123456789abcdef0"})));
  EXPECT_TRUE(MatchesInstanceFilters(i, f("tag:Name", {"web-*"})));
  EXPECT_FALSE(MatchesInstanceFilters(i, f("tag:Name", {"blue"})));
  EXPECT_TRUE(MatchesInstanceFilters(i, f("tag-key", {"team"})));
  EXPECT_TRUE(MatchesInstanceFilters(i, f("tag-value", {"blue"})));
  EXPECT_TRUE(MatchesInstanceFilters(i, f("private-ip-address", {"127.100.0.1"})));
  EXPECT_TRUE(MatchesInstanceFilters(i, f("availability-zone", {"us-east-1a"})));
  std::vector<ImageFilter> both = {{"instance-state-name", {"running"}}, {"tag:team", {"red"}}};
  EXPECT_FALSE(MatchesInstanceFilters(i, both)) << "filters are ANDed";
  EXPECT_TRUE(IsKnownInstanceFilter("tag:anything"));
  EXPECT_FALSE(IsKnownInstanceFilter("tag:"));
  EXPECT_FALSE(IsKnownInstanceFilter("colour"));
}

}  // namespace
}  // namespace amiplace
