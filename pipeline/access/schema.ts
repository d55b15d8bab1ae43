/**
 * Accounts and sessions. Both are written by people, never derived from data/raw/, so both are listed in
 * USER_AUTHORED_TABLES (pipeline/warehouse/schema.ts) and `rebuild` copies them across untouched.
 *
 *  - account.username is stored lower-case and trimmed: "Alice" and "alice " are one account.
 *  - password_hash is an argon2id PHC string (passwords.ts); NULL for an account that signs in only through the
 *    organisation's identity provider (oidc_issuer + oidc_subject name it there).
 *  - account.disabled_at: an admin disabled it (/admin/users); it cannot sign in and has no sessions.
 *  - session.session_hash is the SHA-256 of the cookie's value: a copy of the database holds no usable session.
 */
export const ACCESS_DDL = `
CREATE TABLE IF NOT EXISTS account (
  username      VARCHAR PRIMARY KEY,
  display_name  VARCHAR,
  role          VARCHAR NOT NULL,      -- admin | committee | researcher | funder
  password_hash VARCHAR,               -- argon2id; NULL for single sign-on accounts
  oidc_issuer   VARCHAR,
  oidc_subject  VARCHAR,
  created_at    TIMESTAMP NOT NULL,
  created_by    VARCHAR NOT NULL,
  disabled_at   TIMESTAMP             -- set by an admin: cannot sign in, sessions ended; NULL when active
);
-- Warehouses made before accounts could be disabled gain the column (NULL: active).
ALTER TABLE account ADD COLUMN IF NOT EXISTS disabled_at TIMESTAMP;

CREATE TABLE IF NOT EXISTS session (
  session_hash  VARCHAR PRIMARY KEY,   -- hex SHA-256 of the cookie value
  username      VARCHAR NOT NULL,
  method        VARCHAR NOT NULL,      -- password | oidc
  created_at    TIMESTAMP NOT NULL,
  last_seen_at  TIMESTAMP NOT NULL,
  expires_at    TIMESTAMP NOT NULL
);
`;

export const ACCESS_TABLES = ['account', 'session'] as const;
