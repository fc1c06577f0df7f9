-- amiplace store, version 4: buyers' subscriptions, and full-text search over products.

CREATE TABLE subscriptions (
  id               TEXT PRIMARY KEY,
  buyer_account_id TEXT NOT NULL,
  product_id       TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('ACTIVE', 'CANCELLED')),
  created_at       INTEGER NOT NULL,
  cancelled_at     INTEGER
);
-- At most one active subscription per buyer and product.
CREATE UNIQUE INDEX subscriptions_active ON subscriptions (buyer_account_id, product_id)
  WHERE status = 'ACTIVE';
CREATE INDEX subscriptions_by_product ON subscriptions (product_id);

-- Products' searchable text, kept in step with `entities` by triggers.
CREATE VIRTUAL TABLE product_search USING fts5(
  product_id UNINDEXED, title, short_description, long_description, keywords, categories,
  tokenize = 'porter unicode61');

CREATE TRIGGER product_search_insert AFTER INSERT ON entities
WHEN new.type = 'AmiProduct@1.0' BEGIN
  INSERT INTO product_search (product_id, title, short_description, long_description, keywords,
                              categories)
  VALUES (new.id,
          coalesce(json_extract(new.details, '$.Description.ProductTitle'), ''),
          coalesce(json_extract(new.details, '$.Description.ShortDescription'), ''),
          coalesce(json_extract(new.details, '$.Description.LongDescription'), ''),
          coalesce((SELECT group_concat(value, ' ') FROM json_each(new.details, '$.Description.SearchKeywords')), ''),
          coalesce((SELECT group_concat(value, ' ') FROM json_each(new.details, '$.Description.Categories')), ''));
END;

CREATE TRIGGER product_search_update AFTER UPDATE OF details ON entities
WHEN new.type = 'AmiProduct@1.0' BEGIN
  DELETE FROM product_search WHERE product_id = old.id;
  INSERT INTO product_search (product_id, title, short_description, long_description, keywords,
                              categories)
  VALUES (new.id,
          coalesce(json_extract(new.details, '$.Description.ProductTitle'), ''),
          coalesce(json_extract(new.details, '$.Description.ShortDescription'), ''),
          coalesce(json_extract(new.details, '$.Description.LongDescription'), ''),
          coalesce((SELECT group_concat(value, ' ') FROM json_each(new.details, '$.Description.SearchKeywords')), ''),
          coalesce((SELECT group_concat(value, ' ') FROM json_each(new.details, '$.Description.Categories')), ''));
END;

-- Products that existed before this migration.
INSERT INTO product_search (product_id, title, short_description, long_description, keywords,
                            categories)
SELECT id,
       coalesce(json_extract(details, '$.Description.ProductTitle'), ''),
       coalesce(json_extract(details, '$.Description.ShortDescription'), ''),
       coalesce(json_extract(details, '$.Description.LongDescription'), ''),
       coalesce((SELECT group_concat(value, ' ') FROM json_each(details, '$.Description.SearchKeywords')), ''),
       coalesce((SELECT group_concat(value, ' ') FROM json_each(details, '$.Description.Categories')), '')
FROM entities WHERE type = 'AmiProduct@1.0';
