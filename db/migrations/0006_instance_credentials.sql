-- amiplace store, version 6: the temporary credentials each instance's metadata service hands
-- out (iam/security-credentials/<role>). Requests signed with them are the instance's own.
-- Secrets are sealed with DATA/secret.key like account secrets.
CREATE TABLE instance_credentials (
  access_key_id TEXT PRIMARY KEY,
  instance_id   TEXT NOT NULL,
  sealed_secret BLOB NOT NULL,
  session_token TEXT NOT NULL,
  issued_at     INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL
);
CREATE INDEX instance_credentials_by_instance ON instance_credentials (instance_id, expires_at);
