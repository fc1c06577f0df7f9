-- amiplace store, version 2: machine images (EC2 AMIs), per region. Sellers' own images and the
-- marketplace's copies alike; `details` is the whole image as JSON (domain/commerce/image.h),
-- the other columns are what look-ups and the uniqueness rule need.

CREATE TABLE images (
  image_id         TEXT PRIMARY KEY,
  region           TEXT NOT NULL,
  owner_account_id TEXT NOT NULL,
  name             TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('available', 'deregistered')),
  created_at       INTEGER NOT NULL,
  details          TEXT NOT NULL
);
CREATE INDEX images_by_region_owner ON images (region, owner_account_id, image_id);
-- EC2: an available image's name is unique per owner and region; a deregistered image frees it.
CREATE UNIQUE INDEX images_by_name ON images (region, owner_account_id, name)
  WHERE state = 'available';

-- The product codes an image carries (DescribeImages' product-code filter).
CREATE TABLE image_product_codes (
  product_code TEXT NOT NULL,
  image_id     TEXT NOT NULL REFERENCES images (image_id),
  PRIMARY KEY (product_code, image_id)
);
CREATE INDEX image_product_codes_by_image ON image_product_codes (image_id);
