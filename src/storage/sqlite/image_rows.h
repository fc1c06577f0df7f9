// Writing one image inside a transaction the caller already holds, so that other SqliteStore
// writes (e.g. a change set's outcome together with the marketplace copies it creates) can store
// images atomically with their own rows. Used by sqlite_image_store.cc. A Connection is used by
// one thread at a time.
#pragma once

#include "app/ports.h"
#include "storage/sqlite/connection.h"

namespace amiplace::sqlite {

// Inserts or replaces `image` (its row and its product codes) unless it is available and another
// available image of its owner in its region has its name; `outcome` says which.
Status WriteImage(Connection& c, const Image& image, ImageStore::PutOutcome* outcome);

}  // namespace amiplace::sqlite
