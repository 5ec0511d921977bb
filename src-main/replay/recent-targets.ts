/** The alternate targets used last, kept in the data directory so the UI and CLI offer them again. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const KEEP = 10;

export class RecentTargets {
  private readonly file: string;
  private list: string[];

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'replay-targets.json');
    this.list = this.load();
  }

  get targets(): string[] {
    return [...this.list];
  }

  use(target: string): void {
    this.list = [target, ...this.list.filter((t) => t !== target)].slice(0, KEEP);
    try {
      writeFileSync(this.file, `${JSON.stringify(this.list, null, 2)}\n`, { mode: 0o600 });
    } catch {
      // A full or read-only disk costs only the suggestion next time; the replay itself goes on.
    }
  }

  private load(): string[] {
    try {
      const value: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string').slice(0, KEEP) : [];
    } catch {
      return [];
    }
  }
}
