import type { Migration } from './runner.js';

/** Each flow's traffic class, the block rule that stopped it, and the upstream proxy it went through. */
export const flowPolicy: Migration = {
  id: 6,
  name: 'flow_policy',
  up(db) {
    db.exec(`
      ALTER TABLE flows ADD COLUMN traffic_class TEXT NOT NULL DEFAULT 'web';
      ALTER TABLE flows ADD COLUMN blocked_by TEXT;
      ALTER TABLE flows ADD COLUMN upstream_proxy TEXT;
    `);
  },
};
