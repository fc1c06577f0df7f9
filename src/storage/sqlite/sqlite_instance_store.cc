// SqliteStore: EC2 instances, RunInstances' client tokens and the lineage of images made by
// CreateImage (migration 0005); and the look-up of a product by its product code.
#include <boost/json.hpp>

#include "core/json_util.h"
#include "storage/sqlite/image_rows.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr char kProductByCode[] =
    // `product_code <> ''` lets SQLite use the partial index entities_by_product_code.
    "SELECT id, revision FROM entities WHERE product_code = ?1 AND product_code <> '' AND "
    "type = 'AmiProduct@1.0'";

constexpr char kInsertInstance[] =
    "INSERT INTO instances (instance_id, reservation_id, region, owner_account_id, state, "
    "state_since, launched_at, product_id, ip_address, ip_held, details) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr char kUpdateInstance[] =
    "UPDATE instances SET state = ?2, state_since = ?3, ip_held = ?4, details = ?5 "
    "WHERE instance_id = ?1";
constexpr char kGetInstance[] = "SELECT details FROM instances WHERE instance_id = ?1";
constexpr char kGetInstanceInRegion[] =
    "SELECT details FROM instances WHERE instance_id = ?1 AND region = ?2";
constexpr char kListByOwner[] =
    "SELECT details FROM instances WHERE region = ?1 AND owner_account_id = ?2 "
    "AND (?3 IS NULL OR state NOT IN ('shutting-down', 'terminated') OR state_since >= ?3) "
    "ORDER BY launched_at, instance_id";
constexpr char kListReservation[] =
    "SELECT details FROM instances WHERE reservation_id = ?1 "
    "ORDER BY json_extract(details, '$.AmiLaunchIndex'), instance_id";
constexpr char kByHeldAddress[] =
    "SELECT details FROM instances WHERE ip_address = ?1 AND ip_held = 1";
constexpr char kAddressHeld[] = "SELECT 1 FROM instances WHERE ip_address = ?1 AND ip_held = 1";
constexpr char kHeldAddresses[] =
    "SELECT ip_address FROM instances WHERE ip_held = 1 ORDER BY ip_address";
constexpr char kGetMeta[] = "SELECT value FROM meta WHERE key = ?1";
constexpr char kPutMeta[] =
    "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = "
    "excluded.value";
constexpr std::string_view kLastAddressKey = "last_instance_address";

constexpr char kFindToken[] =
    "SELECT request_hash, reservation_id FROM instance_client_tokens "
    "WHERE owner_account_id = ?1 AND region = ?2 AND client_token = ?3";
constexpr char kInsertToken[] =
    "INSERT INTO instance_client_tokens (owner_account_id, region, client_token, request_hash, "
    "reservation_id) VALUES (?1, ?2, ?3, ?4, ?5)";

constexpr char kInsertLineage[] =
    "INSERT INTO image_lineage (image_id, instance_id, product_id, version_id) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr char kGetLineage[] =
    "SELECT image_id, instance_id, product_id, version_id FROM image_lineage WHERE image_id = ?1";

// Whether the instance holds its address: until it is shutting down or terminated.
bool HoldsAddress(const Instance& i) {
  return !i.private_ip.empty() && i.state != InstanceState::kShuttingDown &&
         i.state != InstanceState::kTerminated;
}

Result<Instance> ReadInstance(const Statement& s) {
  AMIPLACE_ASSIGN_OR_RETURN(auto doc, json::Parse(s.TextView(0), "stored instance"));
  return InstanceFromJson(doc);
}

Result<std::vector<Instance>> ReadAll(Statement& s) {
  std::vector<Instance> out;
  while (true) {
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    AMIPLACE_ASSIGN_OR_RETURN(Instance i, ReadInstance(s));
    out.push_back(std::move(i));
  }
  return out;
}

Result<std::optional<Instance>> ReadOne(Statement& s) {
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Instance>();
  AMIPLACE_ASSIGN_OR_RETURN(Instance i, ReadInstance(s));
  return std::optional<Instance>(std::move(i));
}

Result<std::vector<Instance>> ReservationOf(Connection& c, std::string_view reservation_id) {
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kListReservation));
  s->Bind(1, reservation_id);
  return ReadAll(*s);
}

// The next address to hand out: the one after the last handed out, or — when an instance still
// holds that one (the range has wrapped around) — the first free one after it.
Result<uint32_t> AllocateAddress(Connection& c) {
  std::optional<uint32_t> last;
  {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kGetMeta));
    s->Bind(1, kLastAddressKey);
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) last = ParseIpv4(s->TextView(0));
  }
  uint32_t candidate = NextInstanceAddress(last);
  {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kAddressHeld));
    s->Bind(1, static_cast<int64_t>(candidate));
    AMIPLACE_ASSIGN_OR_RETURN(bool held, s->Step());
    if (held) {
      s.reset();
      AMIPLACE_ASSIGN_OR_RETURN(auto all, c.Prepare(kHeldAddresses));
      std::vector<uint32_t> taken;
      while (true) {
        AMIPLACE_ASSIGN_OR_RETURN(bool row, all->Step());
        if (!row) break;
        taken.push_back(static_cast<uint32_t>(all->Int(0)));
      }
      auto free = FirstFreeInstanceAddress(candidate, taken);
      if (!free) return InternalError("every instance address in 127.100.0.0-127.255.255.255 is taken");
      candidate = *free;
    }
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto put, c.Prepare(kPutMeta));
  put->Bind(1, kLastAddressKey).Bind(2, FormatIpv4(candidate));
  AMIPLACE_RETURN_IF_ERROR(put->Run());
  return candidate;
}

Status InsertInstance(Connection& c, const Instance& i) {
  auto address = ParseIpv4(i.private_ip);
  if (!address) return InternalError(fmt::format("instance {} has no address", i.instance_id));
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kInsertInstance));
  s->Bind(1, i.instance_id).Bind(2, i.reservation_id).Bind(3, i.region);
  s->Bind(4, i.owner_account_id).Bind(5, InstanceStateName(i.state));
  s->Bind(6, ToEpochMillis(i.state_since)).Bind(7, ToEpochMillis(i.launched_at));
  s->Bind(8, i.product_id).Bind(9, static_cast<int64_t>(*address));
  s->Bind(10, static_cast<int64_t>(HoldsAddress(i) ? 1 : 0));
  s->Bind(11, boost::json::serialize(InstanceToJson(i)));
  return s->Run();
}

}  // namespace

Result<std::optional<Entity>> SqliteStore::FindProductByCode(std::string_view product_code) {
  std::string id;
  {
    AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kProductByCode));
    s->Bind(1, product_code);
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<Entity>();
    id = s->Text(0);
  }
  return GetEntity(id);
}

Result<std::optional<CatalogStore::EntityRevision>> SqliteStore::FindProductRevisionByCode(
    std::string_view product_code) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kProductByCode));
  s->Bind(1, product_code);
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<EntityRevision>();
  return std::optional<EntityRevision>(EntityRevision{s->Text(0), s->Int(1)});
}

Result<InstanceStore::Launch> SqliteStore::LaunchInstances(std::vector<Instance> instances,
                                                           std::string_view client_token,
                                                           std::string_view request_hash) {
  if (instances.empty()) return InternalError("LaunchInstances: no instances");
  Launch launch;
  AMIPLACE_RETURN_IF_ERROR(Write([&](Connection& c) -> Status {
    launch = Launch{std::string(request_hash), {}};
    const Instance& first = instances.front();
    if (!client_token.empty()) {
      AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kFindToken));
      s->Bind(1, first.owner_account_id).Bind(2, first.region).Bind(3, client_token);
      AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (row) {
        launch.request_hash = s->Text(0);
        const std::string reservation = s->Text(1);
        s.reset();
        AMIPLACE_ASSIGN_OR_RETURN(launch.instances, ReservationOf(c, reservation));
        return Status::Ok();
      }
      s.reset();
      AMIPLACE_ASSIGN_OR_RETURN(auto ins, c.Prepare(kInsertToken));
      ins->Bind(1, first.owner_account_id).Bind(2, first.region).Bind(3, client_token);
      ins->Bind(4, request_hash).Bind(5, first.reservation_id);
      AMIPLACE_RETURN_IF_ERROR(ins->Run());
    }
    for (Instance i : instances) {
      AMIPLACE_ASSIGN_OR_RETURN(uint32_t address, AllocateAddress(c));
      i.private_ip = FormatIpv4(address);
      AMIPLACE_RETURN_IF_ERROR(InsertInstance(c, i));
      launch.instances.push_back(std::move(i));
    }
    return Status::Ok();
  }));
  return launch;
}

Result<std::optional<InstanceStore::Launch>> SqliteStore::FindLaunchByClientToken(
    std::string_view region, std::string_view owner, std::string_view client_token) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  Launch launch;
  std::string reservation;
  {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kFindToken));
    s->Bind(1, owner).Bind(2, region).Bind(3, client_token);
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<Launch>();
    launch.request_hash = s->Text(0);
    reservation = s->Text(1);
  }
  AMIPLACE_ASSIGN_OR_RETURN(launch.instances, ReservationOf(*c, reservation));
  return std::optional<Launch>(std::move(launch));
}

Result<std::optional<Instance>> SqliteStore::GetInstance(std::string_view instance_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kGetInstance));
  s->Bind(1, instance_id);
  return ReadOne(*s);
}

Result<std::vector<Instance>> SqliteStore::ListInstances(std::string_view region,
                                                         std::string_view owner,
                                                         std::optional<TimePoint> ended_after) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kListByOwner));
  s->Bind(1, region).Bind(2, owner);
  if (ended_after) {
    s->Bind(3, ToEpochMillis(*ended_after));
  } else {
    s->BindNull(3);
  }
  return ReadAll(*s);
}

Result<std::optional<Instance>> SqliteStore::FindInstanceByPrivateIp(std::string_view ip) {
  auto address = ParseIpv4(ip);
  if (!address) return std::optional<Instance>();
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kByHeldAddress));
  s->Bind(1, static_cast<int64_t>(*address));
  return ReadOne(*s);
}

Status SqliteStore::UpdateInstances(std::string_view region, const std::vector<std::string>& ids,
                                    const std::function<Status(std::vector<Instance>&)>& modify) {
  return Write([&](Connection& c) -> Status {
    std::vector<Instance> found;
    for (const auto& id : ids) {
      AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kGetInstanceInRegion));
      s->Bind(1, id).Bind(2, region);
      AMIPLACE_ASSIGN_OR_RETURN(auto instance, ReadOne(*s));
      if (instance) found.push_back(std::move(*instance));
    }
    AMIPLACE_RETURN_IF_ERROR(modify(found));
    for (const Instance& i : found) {
      AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kUpdateInstance));
      s->Bind(1, i.instance_id).Bind(2, InstanceStateName(i.state));
      s->Bind(3, ToEpochMillis(i.state_since));
      s->Bind(4, static_cast<int64_t>(HoldsAddress(i) ? 1 : 0));
      s->Bind(5, boost::json::serialize(InstanceToJson(i)));
      AMIPLACE_RETURN_IF_ERROR(s->Run());
    }
    return Status::Ok();
  });
}

Result<ImageStore::PutOutcome> SqliteStore::PutImageFromInstance(const Image& image,
                                                                const ImageLineage& lineage) {
  PutOutcome outcome;
  AMIPLACE_RETURN_IF_ERROR(Write([&](Connection& c) -> Status {
    AMIPLACE_RETURN_IF_ERROR(sqlite::WriteImage(c, image, &outcome));
    if (!outcome.written) return Status::Ok();
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kInsertLineage));
    s->Bind(1, image.image_id).Bind(2, lineage.instance_id).Bind(3, lineage.product_id);
    s->Bind(4, lineage.version_id);
    return s->Run();
  }));
  return outcome;
}

Result<std::optional<ImageLineage>> SqliteStore::GetImageLineage(std::string_view image_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kGetLineage));
  s->Bind(1, image_id);
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<ImageLineage>();
  return std::optional<ImageLineage>(ImageLineage{s->Text(0), s->Text(1), s->Text(2), s->Text(3)});
}

}  // namespace amiplace
