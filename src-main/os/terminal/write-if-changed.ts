import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Writes `content` to `file` unless it already holds exactly that. A temp file renamed into place,
 * so a program starting at that moment reads the old file or the new one, never half of one.
 */
export function writeIfChanged(file: string, content: string, mode: number): void {
  let current: string | null = null;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // Missing or unreadable: written below.
  }
  if (current === content) return;
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode });
  // writeFileSync's mode is filtered by the umask; these files must be readable as stated.
  chmodSync(temp, mode);
  renameSync(temp, file);
}
