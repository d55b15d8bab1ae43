/**
 * The audit log: one row per event worth answering "who did what, when" for. Written by people's actions,
 * never derived, so it is listed in USER_AUTHORED_TABLES and `rebuild` copies it across untouched. Rows are only ever
 * appended; nothing in Uptake updates or deletes them. No sequence numbers them: rebuild copies rows into a fresh file,
 * where a sequence would start again; events are ordered by occurred_at (microseconds).
 */
export const AUDIT_DDL = `
CREATE TABLE IF NOT EXISTS audit_event (
  occurred_at TIMESTAMP NOT NULL,     -- UTC
  actor      VARCHAR NOT NULL,        -- a username, 'demo-admin', 'cli:<OS user>', or the name typed at a failed sign-in
  actor_role VARCHAR,                 -- the actor's role at the time (NULL when unknown, e.g. a failed sign-in)
  action     VARCHAR NOT NULL,        -- see AUDIT_ACTIONS in log.ts
  target     VARCHAR,                 -- what it was done to: a path, a file, an account
  outcome    VARCHAR NOT NULL,        -- ok | refused | failed
  detail     VARCHAR,                 -- a sentence for people, or JSON
  source     VARCHAR NOT NULL,        -- web | cli
  client     VARCHAR                  -- the client's address, for web events
);
`;

export const AUDIT_TABLES = ['audit_event'] as const;
