import type { Migration } from './runner.js';

/** Bodies may now be stored brotli-compressed ('br'); SQLite cannot widen a CHECK in place. */
export const brotliBodies: Migration = {
  id: 3,
  name: 'brotli_bodies',
  up(db) {
    db.exec(`
      CREATE TABLE bodies_new (
        flow_id INTEGER NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
        side TEXT NOT NULL CHECK (side IN ('request', 'response')),
        storage TEXT NOT NULL CHECK (storage IN ('raw', 'deflate', 'br')),
        data BLOB NOT NULL,
        PRIMARY KEY (flow_id, side)
      );
      INSERT INTO bodies_new SELECT flow_id, side, storage, data FROM bodies;
      DROP TABLE bodies;
      ALTER TABLE bodies_new RENAME TO bodies;
    `);
  },
};
