import type { Migration } from './runner.js';

/** WebSocket message chunks may now be stored brotli-compressed ('br'), like bodies. */
export const compressedChunks: Migration = {
  id: 4,
  name: 'compressed_chunks',
  up(db) {
    db.exec(`ALTER TABLE ws_message_chunks ADD COLUMN storage TEXT NOT NULL DEFAULT 'raw' CHECK (storage IN ('raw', 'br'))`);
  },
};
