-- amiplace store, version 9: every revision of every offer, with the instant it took effect, so
-- that a bill prices usage at the rates in force when it happened (a price change never reprices
-- earlier usage). Offers that exist already keep their current revision, in force since always.

CREATE TABLE offer_revisions (
  offer_id   TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  valid_from INTEGER NOT NULL,  -- ms since the epoch: when the change set that wrote it applied
  details    TEXT NOT NULL,
  PRIMARY KEY (offer_id, revision)
);

INSERT INTO offer_revisions (offer_id, revision, valid_from, details)
  SELECT id, revision, 0, details FROM entities WHERE type = 'Offer@1.0';
