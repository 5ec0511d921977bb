/** A fresh store file in a temp folder for each test, closed and removed afterwards. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { FlowStore } from '../../src-main/store/index.js';

export interface TempStore {
  readonly dir: string;
  readonly file: string;
  /** Opens the test's store file; every store opened here is closed after the test. */
  open(options?: Parameters<typeof FlowStore.open>[1]): FlowStore;
}

export function useTempStore(prefix: string): TempStore {
  let dir = '';
  let file = '';
  const opened: FlowStore[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    file = path.join(dir, 'flows.db');
  });
  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get file() {
      return file;
    },
    open(options) {
      const store = FlowStore.open(file, options);
      opened.push(store);
      return store;
    },
  };
}
