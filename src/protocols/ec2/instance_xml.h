// How EC2 shows instances: one <item> of a reservation's <instancesSet> (RunInstances,
// DescribeInstances), a reservation, and one <item> of a state change (StartInstances,
// StopInstances, TerminateInstances) — member names and order as EC2 2016-11-15 answers them and
// @aws-sdk/client-ec2 and botocore read them. Stateless.
#pragma once

#include "app/instance_service.h"
#include "protocols/ec2/xml_writer.h"

namespace amiplace::protocols::ec2 {

// <item>…</item> of an instancesSet.
void WriteInstanceItem(XmlWriter& xml, const Instance& instance);
// reservationId, ownerId, groupSet and instancesSet, into the element open in `xml` (the
// RunInstancesResponse itself, or an <item> of DescribeInstances' reservationSet).
void WriteReservationMembers(XmlWriter& xml, const Reservation& reservation);
// <item>…</item> of a state-change instancesSet.
void WriteStateChangeItem(XmlWriter& xml, const StateChange& change);

}  // namespace amiplace::protocols::ec2
