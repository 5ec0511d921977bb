/**
 * Just enough of an ini editor for KDE's kioslaverc: it changes the lines of a few keys in one
 * section and keeps every other byte (comments, other sections, order) as it was.
 */

interface Section {
  /** Index of the `[name]` line. */
  header: number;
  /** Index of the next section's header, or the line count. */
  end: number;
}

const isHeader = (line: string) => line.trim().startsWith('[');

function findSection(lines: string[], name: string): Section | null {
  const header = lines.findIndex((line) => line.trim() === `[${name}]`);
  if (header === -1) return null;
  const next = lines.findIndex((line, index) => index > header && isHeader(line));
  return { header, end: next === -1 ? lines.length : next };
}

function keyOf(line: string): string | undefined {
  return /^\s*([^=\s[#;]+)\s*=/.exec(line)?.[1];
}

function findKey(lines: string[], section: Section, key: string): number {
  for (let index = section.header + 1; index < section.end; index++) {
    if (keyOf(lines[index] ?? '') === key) return index;
  }
  return -1;
}

/** Adds `[name]` at the end, after a blank line, before the file's final newline if it has one. */
function appendSection(lines: string[], name: string): Section {
  const at = lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  const added = at > 0 && (lines[at - 1] ?? '').trim() !== '' ? ['', `[${name}]`] : [`[${name}]`];
  lines.splice(at, 0, ...added);
  return { header: at + added.length - 1, end: at + added.length };
}

/** The keys and values of one section (first occurrence of each key). */
export function readIniSection(text: string, name: string): Map<string, string> {
  const lines = text.split('\n');
  const values = new Map<string, string>();
  const section = findSection(lines, name);
  if (!section) return values;
  for (let index = section.header + 1; index < section.end; index++) {
    const line = lines[index] ?? '';
    const key = keyOf(line);
    if (key !== undefined && !values.has(key)) values.set(key, line.slice(line.indexOf('=') + 1).trim());
  }
  return values;
}

/** The text with each key of `values` set in section `name`, or removed where the value is null. */
export function setIniKeys(text: string, name: string, values: Record<string, string | null>): string {
  const lines = text.split('\n');
  let section = findSection(lines, name);
  for (const [key, value] of Object.entries(values)) {
    if (!section && value === null) continue;
    section ??= appendSection(lines, name);
    const at = findKey(lines, section, key);
    if (at !== -1 && value === null) {
      lines.splice(at, 1);
      section.end--;
    } else if (at !== -1 && value !== null) {
      lines[at] = `${key}=${value}`;
    } else if (value !== null) {
      let last = section.end - 1;
      while (last > section.header && (lines[last] ?? '').trim() === '') last--;
      lines.splice(last + 1, 0, `${key}=${value}`);
      section.end++;
    }
  }
  return lines.join('\n');
}
