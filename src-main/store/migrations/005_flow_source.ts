import type { Migration } from './runner.js';

/**
 * Where a flow came from (captured, replayed, imported) and, for a replay, the flow it replayed.
 * The index is partial: captured flows (replay_of NULL) add nothing to it, so capture pays nothing.
 */
export const flowSource: Migration = {
  id: 5,
  name: 'flow_source',
  up(db) {
    db.exec(`
      ALTER TABLE flows ADD COLUMN source TEXT NOT NULL DEFAULT 'capture' CHECK (source IN ('capture', 'replay', 'import'));
      ALTER TABLE flows ADD COLUMN replay_of INTEGER;
      CREATE INDEX flows_replay_of ON flows (replay_of) WHERE replay_of IS NOT NULL;
    `);
  },
};
