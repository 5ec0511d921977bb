/**
 * The main window's size and place, remembered in <data dir>/window-state.json. A missing or
 * corrupt file, or bounds on a display that is gone, give the defaults: never a crash, never a
 * window the user cannot see.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 800 };
const MIN_SIZE = { width: 400, height: 300 };
// Enough of the title bar on a display to grab and drag the window back.
const MIN_VISIBLE = { width: 100, height: 40 };
const SAVE_DELAY_MS = 500;

export interface WindowState {
  /** Absent: let the OS place the window (centred). */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { ...DEFAULT_WINDOW_SIZE, maximized: false };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** Parses a stored state; anything malformed or off every display's work area gives the defaults. */
export function parseWindowState(text: string, workAreas: readonly Rectangle[]): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_WINDOW_STATE };
  const { x, y, width, height, maximized } = raw as Record<string, unknown>;
  if (!isInt(width) || !isInt(height) || width < MIN_SIZE.width || height < MIN_SIZE.height) return { ...DEFAULT_WINDOW_STATE };
  const state: WindowState = { width, height, maximized: maximized === true };
  if (!isInt(x) || !isInt(y)) return state;
  const bounds = { x, y, width, height };
  const visible = workAreas.some((area) => {
    const o = overlap(bounds, area);
    return o.width >= MIN_VISIBLE.width && o.height >= MIN_VISIBLE.height;
  });
  // Off-screen (a monitor unplugged): forget the place and the size that went with it.
  return visible ? { ...state, x, y } : { ...DEFAULT_WINDOW_STATE, maximized: state.maximized };
}

export function loadWindowState(dataDir: string, workAreas: readonly Rectangle[]): WindowState {
  try {
    return parseWindowState(readFileSync(path.join(dataDir, WINDOW_STATE_FILE), 'utf8'), workAreas);
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
}

export function saveWindowState(dataDir: string, state: WindowState): void {
  const file = path.join(dataDir, WINDOW_STATE_FILE);
  try {
    // Write then rename, so a crash mid-write leaves the old file rather than half a new one.
    writeFileSync(`${file}.tmp`, JSON.stringify(state), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    console.error(`Flowscope: could not remember the window size in ${file} (${(error as Error).message}).`);
  }
}

type TrackedWindow = Pick<BrowserWindow, 'on' | 'off' | 'getNormalBounds' | 'isMaximized' | 'isDestroyed'>;

/** Saves the window's state shortly after it moves or resizes, and when it closes. */
export function trackWindowState(win: TrackedWindow, dataDir: string): { dispose(): void } {
  let timer: NodeJS.Timeout | null = null;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (win.isDestroyed()) return;
    saveWindowState(dataDir, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  };
  const events = ['resize', 'move', 'maximize', 'unmaximize'] as const;
  for (const name of events) win.on(name as 'resize', later);
  win.on('close', save);
  return {
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
      for (const name of events) win.off(name as 'resize', later);
      win.off('close', save);
    },
  };
}
