-- The expert's phone (the sync room): the server's copies of the expert's tickets and
-- customers (as JSON, the shape the server sent), the outbound queue in the order the expert
-- gave the commands, the refusals the app has not dismissed yet, and which expert the replica
-- belongs to and the request it waits for. Written only by `sqlite/replica.rs`, each change in
-- one transaction. A server's database holds these tables empty.
CREATE TABLE replica_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE replica_tickets (
    id BLOB PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE replica_customers (
    id BLOB PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE replica_queue (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL UNIQUE,
    body TEXT NOT NULL,
    applied_at INTEGER
);

CREATE TABLE replica_refusals (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL UNIQUE,
    body TEXT NOT NULL
);
