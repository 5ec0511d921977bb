/**
 * The Flowscope CA in NSS databases: what Chrome and Chromium (~/.pki/nssdb) and each Firefox
 * profile (cert9.db) trust on Linux, managed with NSS's own certutil.
 */
import { fingerprintSha256 } from '../../ca/info.js';
import { runCommand, type CommandResult, type RunCommand } from '../command.js';

export type { CommandResult, RunCommand } from '../command.js';
export { defaultNssDatabases, type NssDatabase } from './nss-databases.js';

export const DEFAULT_NSS_NICKNAME = 'Flowscope CA';

export const CERTUTIL_MISSING_MESSAGE =
  'certutil is not installed. Install it with: sudo apt-get install libnss3-tools (Debian/Ubuntu), sudo dnf install nss-tools (Fedora).';

export type NssTrustState = 'trusted' | 'missing' | 'different' | 'untrusted';

export interface NssTrustStatus {
  dbDir: string;
  /** True only when our certificate (by fingerprint) is there and trusted to identify websites. */
  trusted: boolean;
  state: NssTrustState;
  message: string;
}

export interface NssOptions {
  nickname?: string;
  run?: RunCommand;
}

/** A certutil failure, with what it printed and how to do the step by hand. */
export class NssCommandError extends Error {
  constructor(what: string, args: string[], output: string, manual: string) {
    super(`${what} failed: certutil ${args.map(quote).join(' ')}\n${output.trim() || '(no output)'}\nTo do it by hand: ${manual}`);
    this.name = 'NssCommandError';
  }
}

export class CertutilMissingError extends Error {
  constructor() {
    super(`${CERTUTIL_MISSING_MESSAGE} On macOS: brew install nss.`);
    this.name = 'CertutilMissingError';
  }
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** certutil -d wants the sql: prefix for cert9.db; a user may give the folder with or without it. */
export function sqlDb(dbDir: string): string {
  return dbDir.startsWith('sql:') ? dbDir : `sql:${dbDir}`;
}

export function plainDir(dbDir: string): string {
  return dbDir.replace(/^sql:/, '');
}

function manualCommand(args: string[]): string {
  return `certutil ${args.map(quote).join(' ')}`;
}

/** Runs certutil; its absence (exit 127 from the shared runner, or ENOENT from another) becomes install advice. */
async function certutil(run: RunCommand, args: string[]): Promise<CommandResult> {
  let result: CommandResult;
  try {
    result = await run('certutil', args);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CertutilMissingError();
    throw new Error(`certutil could not run: ${(error as Error).message}`);
  }
  if (result.code === 127 && /not found/i.test(result.stderr)) throw new CertutilMissingError();
  return result;
}

function notFound(output: string): boolean {
  return /PR_FILE_NOT_FOUND_ERROR|could not find cert/i.test(output);
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

/** The SSL trust field ("C,," → "C") of a nickname in `certutil -L` output, or null when not listed. */
export function sslTrustOf(listing: string, nickname: string): string | null {
  for (const line of listing.split('\n')) {
    const match = /^(.*?)\s{2,}([a-zA-Z]*),([a-zA-Z]*),([a-zA-Z]*)\s*$/.exec(line);
    if (match && match[1] === nickname) return match[2] ?? '';
  }
  return null;
}

/** Whether the CA with this PEM is in the database and trusted for websites ("C" in the SSL field). */
export async function nssTrustStatus(dbDir: string, caCertPem: string, options: NssOptions = {}): Promise<NssTrustStatus> {
  const run = options.run ?? runCommand;
  const nickname = options.nickname ?? DEFAULT_NSS_NICKNAME;
  const dir = plainDir(dbDir);
  const showArgs = ['-L', '-d', sqlDb(dbDir), '-n', nickname, '-a'];
  const shown = await certutil(run, showArgs);
  if (shown.code !== 0) {
    if (notFound(shown.stderr + shown.stdout)) {
      return { dbDir: dir, trusted: false, state: 'missing', message: `No certificate named "${nickname}" in ${dir}.` };
    }
    throw new NssCommandError(`Reading ${dir}`, showArgs, shown.stderr + shown.stdout, manualCommand(['-L', '-d', sqlDb(dbDir)]));
  }
  const ours = fingerprintSha256(caCertPem);
  const matches = pemBlocks(shown.stdout).some((pem) => {
    try {
      return fingerprintSha256(pem) === ours;
    } catch {
      return false;
    }
  });
  if (!matches) {
    return {
      dbDir: dir,
      trusted: false,
      state: 'different',
      message: `${dir} holds another certificate named "${nickname}" (not this Flowscope CA, SHA-256 ${ours}).`,
    };
  }
  const listArgs = ['-L', '-d', sqlDb(dbDir)];
  const listed = await certutil(run, listArgs);
  if (listed.code !== 0) throw new NssCommandError(`Reading ${dir}`, listArgs, listed.stderr + listed.stdout, manualCommand(listArgs));
  const ssl = sslTrustOf(listed.stdout, nickname) ?? '';
  if (!ssl.includes('C')) {
    return {
      dbDir: dir,
      trusted: false,
      state: 'untrusted',
      message: `${dir} holds the Flowscope CA but does not trust it for websites (trust "${ssl}", needs "C").`,
    };
  }
  return { dbDir: dir, trusted: true, state: 'trusted', message: `${dir} trusts the Flowscope CA (SHA-256 ${ours}).` };
}

/**
 * Removes every certificate with this nickname (NSS refuses to add a second one under a taken
 * name, so a CA from an earlier install must go first). Returns how many were removed.
 */
export async function removeCaFromNss(dbDir: string, nickname: string = DEFAULT_NSS_NICKNAME, options: Pick<NssOptions, 'run'> = {}): Promise<number> {
  const run = options.run ?? runCommand;
  const args = ['-D', '-d', sqlDb(dbDir), '-n', nickname];
  // One certificate per call; the bound only guards against a database that never reports empty.
  for (let removed = 0; removed < 20; removed++) {
    const result = await certutil(run, args);
    if (result.code === 0) continue;
    const output = result.stderr + result.stdout;
    if (/could not find certificate named|PR_FILE_NOT_FOUND_ERROR/i.test(output)) return removed;
    throw new NssCommandError(`Removing "${nickname}" from ${plainDir(dbDir)}`, args, output, manualCommand(args));
  }
  return 20;
}

/** Adds the CA as trusted for websites ("C,,"), replacing any certificate already under this nickname. */
export async function installCaInNss(
  dbDir: string,
  caCertPath: string,
  nickname: string = DEFAULT_NSS_NICKNAME,
  options: Pick<NssOptions, 'run'> = {},
): Promise<void> {
  const run = options.run ?? runCommand;
  await removeCaFromNss(dbDir, nickname, { run });
  const args = ['-A', '-d', sqlDb(dbDir), '-n', nickname, '-t', 'C,,', '-i', caCertPath];
  const result = await certutil(run, args);
  if (result.code !== 0) {
    throw new NssCommandError(`Adding the Flowscope CA to ${plainDir(dbDir)}`, args, result.stderr + result.stdout, manualCommand(args));
  }
}

/** Creates an empty database without a password, as a fresh Firefox profile would have. */
export async function createNssDatabase(dbDir: string, options: Pick<NssOptions, 'run'> = {}): Promise<void> {
  const run = options.run ?? runCommand;
  const args = ['-N', '-d', sqlDb(dbDir), '--empty-password'];
  const result = await certutil(run, args);
  if (result.code !== 0) {
    throw new NssCommandError(`Creating an NSS database in ${plainDir(dbDir)}`, args, result.stderr + result.stdout, manualCommand(args));
  }
}
