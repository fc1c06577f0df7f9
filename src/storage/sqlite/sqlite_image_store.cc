// SqliteStore: machine images (migration 0002).
#include <boost/json.hpp>

#include "core/json_util.h"
#include "storage/sqlite/image_rows.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr char kGetImage[] = "SELECT details FROM images WHERE image_id = ?1 AND region = ?2";
constexpr char kFindByName[] =
    "SELECT details FROM images WHERE region = ?1 AND owner_account_id = ?2 AND name = ?3 "
    "AND state = 'available'";
constexpr char kNameTakenBy[] =
    "SELECT image_id FROM images WHERE region = ?1 AND owner_account_id = ?2 AND name = ?3 "
    "AND state = 'available' AND image_id <> ?4";
constexpr char kListInRegion[] = "SELECT details FROM images WHERE region = ?1 ORDER BY image_id";
constexpr char kListByOwner[] =
    "SELECT details FROM images WHERE region = ?1 AND owner_account_id = ?2 ORDER BY image_id";
constexpr char kListByProductCode[] =
    "SELECT i.details FROM image_product_codes p JOIN images i ON i.image_id = p.image_id "
    "WHERE p.product_code = ?2 AND i.region = ?1 ORDER BY i.image_id";
constexpr char kUpsertImage[] =
    "INSERT INTO images (image_id, region, owner_account_id, name, state, created_at, details) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (image_id) DO UPDATE SET region = excluded.region, owner_account_id = "
    "excluded.owner_account_id, name = excluded.name, state = excluded.state, created_at = "
    "excluded.created_at, details = excluded.details";
constexpr char kDeleteCodes[] = "DELETE FROM image_product_codes WHERE image_id = ?1";
constexpr char kInsertCode[] =
    "INSERT OR IGNORE INTO image_product_codes (product_code, image_id) VALUES (?1, ?2)";

Result<Image> ReadImage(const Statement& s) {
  AMIPLACE_ASSIGN_OR_RETURN(auto doc, json::Parse(s.TextView(0), "stored image"));
  return ImageFromJson(doc);
}

Result<std::vector<Image>> ReadAll(Statement& s) {
  std::vector<Image> out;
  while (true) {
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    AMIPLACE_ASSIGN_OR_RETURN(Image image, ReadImage(s));
    out.push_back(std::move(image));
  }
  return out;
}

Result<std::optional<Image>> ReadOne(Statement& s) {
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Image>();
  AMIPLACE_ASSIGN_OR_RETURN(Image image, ReadImage(s));
  return std::optional<Image>(std::move(image));
}

}  // namespace

namespace sqlite {

Status WriteImage(Connection& c, const Image& image, ImageStore::PutOutcome* outcome) {
  *outcome = ImageStore::PutOutcome{};
  if (image.IsAvailable()) {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kNameTakenBy));
    s->Bind(1, image.region).Bind(2, image.owner_account_id).Bind(3, image.name);
    s->Bind(4, image.image_id);
    AMIPLACE_ASSIGN_OR_RETURN(bool taken, s->Step());
    if (taken) {
      outcome->written = false;
      outcome->name_taken_by = s->Text(0);
      return Status::Ok();
    }
  }
  {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kUpsertImage));
    s->Bind(1, image.image_id).Bind(2, image.region).Bind(3, image.owner_account_id);
    s->Bind(4, image.name).Bind(5, image.state).Bind(6, ToEpochMillis(image.creation_date));
    s->Bind(7, boost::json::serialize(ImageToJson(image)));
    AMIPLACE_RETURN_IF_ERROR(s->Run());
  }
  {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kDeleteCodes));
    s->Bind(1, image.image_id);
    AMIPLACE_RETURN_IF_ERROR(s->Run());
  }
  for (const auto& pc : image.product_codes) {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kInsertCode));
    s->Bind(1, pc.product_code_id).Bind(2, image.image_id);
    AMIPLACE_RETURN_IF_ERROR(s->Run());
  }
  return Status::Ok();
}

}  // namespace sqlite

Result<ImageStore::PutOutcome> SqliteStore::PutImage(const Image& image) {
  PutOutcome outcome;
  AMIPLACE_RETURN_IF_ERROR(
      Write([&](Connection& c) { return sqlite::WriteImage(c, image, &outcome); }));
  return outcome;
}

Result<std::optional<Image>> SqliteStore::GetImage(std::string_view region,
                                                   std::string_view image_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kGetImage));
  s->Bind(1, image_id).Bind(2, region);
  return ReadOne(*s);
}

Result<std::optional<Image>> SqliteStore::FindImageByName(std::string_view region,
                                                          std::string_view owner,
                                                          std::string_view name) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kFindByName));
  s->Bind(1, region).Bind(2, owner).Bind(3, name);
  return ReadOne(*s);
}

Result<std::vector<Image>> SqliteStore::ListImages(std::string_view region,
                                                   std::optional<std::string_view> owner) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(owner ? kListByOwner : kListInRegion));
  s->Bind(1, region);
  if (owner) s->Bind(2, *owner);
  return ReadAll(*s);
}

Result<std::vector<Image>> SqliteStore::ListImagesByProductCode(std::string_view region,
                                                                std::string_view product_code) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kListByProductCode));
  s->Bind(1, region).Bind(2, product_code);
  return ReadAll(*s);
}

}  // namespace amiplace
