import type { Migration } from './runner.js';

/**
 * The first schema. Flow ids come from the store (allocated in memory), so `id` is a plain INTEGER
 * PRIMARY KEY that the writer always supplies. Times are epoch milliseconds (REAL: fractional).
 */
export const initial: Migration = {
  id: 1,
  name: 'initial',
  up(db) {
    // Must run before the first table exists (and before WAL is switched on), or SQLite ignores it.
    // INCREMENTAL lets retention hand freed pages back to the file system in small steps.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.exec(`
      CREATE TABLE flows (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        started_at REAL NOT NULL,
        ended_at REAL,
        duration_ms REAL,
        method TEXT NOT NULL,
        url TEXT NOT NULL,
        scheme TEXT NOT NULL,
        host TEXT NOT NULL,
        port INTEGER NOT NULL,
        path TEXT NOT NULL,
        http_version TEXT NOT NULL,
        status_code INTEGER,
        status_message TEXT,
        request_headers TEXT NOT NULL,
        response_headers TEXT,
        request_wire_size INTEGER NOT NULL,
        request_decoded_size INTEGER,
        request_captured_size INTEGER NOT NULL,
        request_truncated INTEGER NOT NULL,
        request_dropped INTEGER NOT NULL,
        request_content_type TEXT,
        request_content_encoding TEXT,
        -- The response columns are all NULL when the flow has no response (responseBody null).
        response_wire_size INTEGER,
        response_decoded_size INTEGER,
        response_captured_size INTEGER,
        response_truncated INTEGER,
        response_dropped INTEGER,
        response_content_type TEXT,
        response_content_encoding TEXT,
        client_ip TEXT,
        client_port INTEGER,
        server_ip TEXT,
        server_port INTEGER,
        -- 1 when the flow had TLS info, even if both of its fields are unknown (NULL).
        tls INTEGER NOT NULL,
        tls_sni TEXT,
        tls_protocol TEXT,
        error_type TEXT,
        error_message TEXT,
        timings TEXT NOT NULL,
        tags TEXT NOT NULL,
        message_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX flows_started_at ON flows (started_at);
      CREATE INDEX flows_host ON flows (host);
      CREATE INDEX flows_status_code ON flows (status_code);
      CREATE INDEX flows_method ON flows (method);

      CREATE TABLE bodies (
        flow_id INTEGER NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
        side TEXT NOT NULL CHECK (side IN ('request', 'response')),
        storage TEXT NOT NULL CHECK (storage IN ('raw', 'deflate')),
        data BLOB NOT NULL,
        PRIMARY KEY (flow_id, side)
      );

      CREATE TABLE ws_messages (
        flow_id INTEGER NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        direction TEXT NOT NULL,
        type TEXT NOT NULL,
        time REAL NOT NULL,
        size INTEGER NOT NULL,
        payload BLOB NOT NULL,
        truncated INTEGER NOT NULL,
        close_code INTEGER,
        close_reason TEXT,
        PRIMARY KEY (flow_id, seq)
      );

      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        time REAL NOT NULL,
        type TEXT NOT NULL,
        client_ip TEXT,
        client_port INTEGER,
        host TEXT,
        message TEXT NOT NULL
      );
      CREATE INDEX events_time ON events (time);
    `);
  },
};
