/**
 * The request editor's draft and what became of each send. A draft comes from a captured flow
 * (headers as captured, the body content-decoded so it can be edited as text; Flowscope encodes it
 * again as the headers say) or starts blank. Pure functions: the checks before replay.send are
 * tested without a DOM.
 */
import type { ArgsOf } from '../../src-shared/api/contract.js';
import type { BodyView, ReplayResult } from '../../src-shared/api/types.js';
import type { Flow } from '../../src-shared/model/flow.js';
import { base64ToBytes, bytesToBase64, formatBytes } from '../components/format.js';

export interface HeaderRow {
  /** Stable React key: rows are added and removed in the middle. */
  key: number;
  name: string;
  value: string;
}

export interface EditorDraft {
  method: string;
  url: string;
  headers: HeaderRow[];
  bodyText: string;
  /**
   * A captured body that is not UTF-8 text cannot be edited as text: its bytes are sent unchanged
   * while it is here. Typing a body replaces it.
   */
  binaryBody: { base64: string; size: number; encoded: boolean } | null;
  /** The flow this draft was made from: its sends are recorded as replays of it. */
  replayOf: number | null;
  /** What to know about the prefilled request (a cut or missing body), said for a person. */
  notes: string[];
}

/** One press of Send: in flight while both result and error are null. */
export interface EditorSend {
  key: number;
  method: string;
  url: string;
  sentAt: number;
  result: ReplayResult | null;
  error: string | null;
}

export interface EditorState {
  draft: EditorDraft;
  /** Newest first. */
  sends: EditorSend[];
}

export const MAX_SENDS = 20;

let nextKey = 1;
export const headerRow = (name = '', value = ''): HeaderRow => ({ key: nextKey++, name, value });
export const newSendKey = (): number => nextKey++;

export function blankDraft(): EditorDraft {
  return { method: 'GET', url: 'http://', headers: [headerRow()], bodyText: '', binaryBody: null, replayOf: null, notes: [] };
}

export const emptyEditor: EditorState = { draft: blankDraft(), sends: [] };

function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** `body` is flows.body with decoded: true (null when the flow has none). */
export function draftFromFlow(flow: Flow, body: BodyView | null): EditorDraft {
  // HTTP/2 pseudo-headers (":authority", ":path") come from the URL; they are not headers to send.
  const headers = flow.requestHeaders.filter(([name]) => !name.startsWith(':')).map(([name, value]) => headerRow(name, value));
  const notes: string[] = [];
  let bodyText = '';
  let binaryBody: EditorDraft['binaryBody'] = null;
  if (flow.requestBody.dropped || body?.dropped) {
    notes.push(`The request body (${formatBytes(flow.requestBody.wireSize)}) was not stored, so it is not here: Flowscope was overloaded when it arrived.`);
  } else if (body && body.size > 0) {
    const bytes = base64ToBytes(body.base64);
    const text = body.decoded ? utf8(bytes) : null;
    if (text !== null) bodyText = text;
    else binaryBody = { base64: body.base64, size: body.size, encoded: !body.decoded && body.contentEncoding !== null };
    if (body.truncated) notes.push(`The captured body was cut at ${formatBytes(body.size)} of ${formatBytes(body.wireSize)} (the body size cap): only that part is here and would be sent.`);
    if (body.decodeError) notes.push(`The body could not be decoded (${body.decodeError}): it is sent as captured.`);
  }
  return { method: flow.method, url: flow.url, headers: headers.length > 0 ? headers : [headerRow()], bodyText, binaryBody, replayOf: flow.id, notes };
}

const TOKEN = /^[!#$%&'*+.^_`|~\w-]+$/;

export type CheckedRequest = { ok: true; args: ArgsOf<'replay.send'> } | { ok: false; error: string };

/** The draft as replay.send arguments, or the first thing wrong with it. Rows without a name and value are left out. */
export function requestFromDraft(draft: EditorDraft): CheckedRequest {
  const method = draft.method.trim();
  if (!TOKEN.test(method)) return { ok: false, error: `"${method}" is not an HTTP method: use a word such as GET, POST or PUT.` };
  const url = draft.url.trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, error: `"${url}" is not a URL: give a full one such as http://localhost:3000/path.` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, error: `The URL must start with http:// or https://, not ${parsed.protocol}//.` };
  const headers: Array<[string, string]> = [];
  for (const row of draft.headers) {
    const name = row.name.trim();
    if (name === '' && row.value === '') continue;
    if (!TOKEN.test(name)) return { ok: false, error: name === '' ? `A header with the value "${row.value}" has no name.` : `"${name}" is not a valid header name (letters, digits and !#$%&'*+.^_\`|~- only).` };
    if (/[\r\n\0]/.test(row.value)) return { ok: false, error: `The value of header "${name}" holds a line break, which HTTP does not allow.` };
    headers.push([name, row.value]);
  }
  let body: ArgsOf<'replay.send'>['request']['body'] = null;
  if (draft.binaryBody) body = { base64: draft.binaryBody.base64, encoded: draft.binaryBody.encoded };
  else if (draft.bodyText !== '') body = { base64: bytesToBase64(new TextEncoder().encode(draft.bodyText)), encoded: false };
  const request = { method, url, headers, body };
  return { ok: true, args: draft.replayOf === null ? { request } : { request, replayOf: draft.replayOf } };
}

export function sendStarted(state: EditorState, send: EditorSend): EditorState {
  return { ...state, sends: [send, ...state.sends].slice(0, MAX_SENDS) };
}

export function sendEnded(state: EditorState, key: number, outcome: { result: ReplayResult } | { error: string }): EditorState {
  if (!state.sends.some((s) => s.key === key)) return state;
  const sends = state.sends.map((s) => (s.key === key ? { ...s, ...('result' in outcome ? { result: outcome.result } : { error: outcome.error }) } : s));
  return { ...state, sends };
}
