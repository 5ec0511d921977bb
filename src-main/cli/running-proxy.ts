/**
 * Commands that change the store (replay, import) go through the proxy that owns the data
 * directory when one runs (its REST API, with the install's token), and open the store themselves
 * when none does.
 */
import { readFileSync } from 'node:fs';
import { isApiErrorBody } from '../../src-shared/api/errors.js';
import { readRuntimeFile } from '../service/runtime-file.js';
import { tokenFilePath } from '../service/ui-token.js';

export interface RunningApi {
  baseUrl: string;
  token: string;
}

/** The running proxy's API; null when no proxy runs on the data directory. Throws when one runs without its API. */
export function runningApi(dataDir: string): RunningApi | null {
  const info = readRuntimeFile(dataDir);
  if (!info) return null;
  if (!info.uiUrl) {
    throw new Error(`A Flowscope proxy (pid ${info.pid}) is capturing into ${dataDir} without its API (it was started with --no-ui). Stop it, or start it without --no-ui, and run this again.`);
  }
  const token = readFileSync(tokenFilePath(dataDir), 'utf8').trim();
  return { baseUrl: new URL(info.uiUrl).origin, token };
}

/** Calls the REST API; an error answer becomes an Error with the API's message. */
export async function restCall<T>(api: RunningApi, method: string, path: string, body?: string | Buffer, contentType = 'application/json'): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${api.token}`, ...(body !== undefined && { 'content-type': contentType }) },
      ...(body !== undefined && { body }),
    });
  } catch (error) {
    throw new Error(`Could not reach the running Flowscope at ${api.baseUrl} (${(error as Error).message}). Check that it is still running (\`flowscope status\`).`);
  }
  const value: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (value as { error?: unknown } | null)?.error;
    throw new Error(isApiErrorBody(error) ? error.message : `The running Flowscope answered ${res.status} to ${method} ${path}.`);
  }
  return value as T;
}
