import type { Migration } from './runner.js';

/**
 * WebSocket messages move from a row each to runs of messages per row (see message-chunks.ts):
 * one row per message cost more than proxying the message. Nothing has shipped with the old
 * table, so its rows are not converted.
 */
export const messageChunks: Migration = {
  id: 2,
  name: 'message_chunks',
  up(db) {
    db.exec(`
      DROP TABLE ws_messages;
      CREATE TABLE ws_message_chunks (
        flow_id INTEGER NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
        first_seq INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        count INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (flow_id, first_seq)
      );
    `);
  },
};
