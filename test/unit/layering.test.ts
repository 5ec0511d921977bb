import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function restricted(code: string, filePath: string): Promise<boolean> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

describe('lint zones keep the import direction of ARCHITECTURE.md', () => {
  it.each([
    ["import fs from 'node:fs';", 'src-shared/model/x.ts'],
    ["import { x } from '../../src-main/engine/engine.js';", 'src-shared/model/x.ts'],
    ["import { app } from 'electron';", 'src-shared/model/x.ts'],
    ["import { x } from '../../src-main/store/index.js';", 'src-renderer/features/x.ts'],
    ["import fs from 'node:fs';", 'src-renderer/features/x.ts'],
    ["import { app } from 'electron';", 'src-main/engine/x.ts'],
    ["import { app } from 'electron';", 'src-main/store/x.ts'],
  ])('refuses %s in %s', async (code, file) => {
    expect(await restricted(code, file)).toBe(true);
  });

  it.each([
    ["import { app } from 'electron';", 'src-main/app/x.ts'],
    ["import { contextBridge } from 'electron';", 'src-main/preload/x.ts'],
    ["import { ipcMain } from 'electron';", 'src-main/transports/ipc/x.ts'],
    ["import type { Flow } from '../../src-shared/model/flow.js';", 'src-main/engine/x.ts'],
  ])('allows %s in %s', async (code, file) => {
    expect(await restricted(code, file)).toBe(false);
  });
});
