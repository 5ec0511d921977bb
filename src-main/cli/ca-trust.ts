/** `flowscope ca trust|untrust --store nss [--nss-db DIR]`: the Flowscope CA in Chrome's and Firefox's NSS databases on Linux. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadOrCreateCa } from '../ca/index.js';
import {
  CertutilMissingError,
  DEFAULT_NSS_NICKNAME,
  defaultNssDatabases,
  installCaInNss,
  nssTrustStatus,
  plainDir,
  removeCaFromNss,
  type NssDatabase,
  type RunCommand,
} from '../os/trust/nss.js';

export interface CaTrustOptions {
  store: 'nss';
  /** One database folder (with or without the sql: prefix); all the browsers' databases when absent. */
  nssDb?: string;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** certutil runner (tests inject one). */
  run?: RunCommand;
  /** The databases to use when nssDb is absent (tests inject them). */
  databases?: () => NssDatabase[];
}

const LOOKED_IN =
  '~/.pki/nssdb (Chrome, Chromium, Edge, Brave), ~/.mozilla/firefox/* (Firefox), and their snap and flatpak folders';

function chosenDatabases(options: CaTrustOptions): NssDatabase[] | string {
  if (options.nssDb === undefined) return (options.databases ?? defaultNssDatabases)();
  const dir = path.resolve(plainDir(options.nssDb));
  if (!existsSync(path.join(dir, 'cert9.db'))) {
    return (
      `${dir} holds no NSS database (cert9.db). Give the folder of an existing one (a Firefox profile, ~/.pki/nssdb), ` +
      `or create one with: certutil -N -d sql:${dir} --empty-password`
    );
  }
  return [{ dir, label: 'given with --nss-db' }];
}

export async function caTrustCommand(dataDir: string, action: 'trust' | 'untrust', options: CaTrustOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const run = options.run;
  const databases = chosenDatabases(options);
  if (typeof databases === 'string') {
    err.write(`flowscope: ${databases}\n`);
    return 1;
  }
  if (databases.length === 0) {
    if (action === 'untrust') {
      out.write(`No NSS databases found (looked in ${LOOKED_IN}); nothing to remove.\n`);
      return 0;
    }
    err.write(
      `flowscope: no NSS databases found (looked in ${LOOKED_IN}). Start the browser once so it creates its database, ` +
        'or name one with --nss-db DIR.\n',
    );
    return 1;
  }

  // Trusting needs the certificate; the CA is created here if `serve` never ran, as serve would.
  const ca = action === 'trust' ? await loadOrCreateCa(dataDir) : null;
  let failures = 0;
  for (const db of databases) {
    try {
      if (ca) {
        await installCaInNss(db.dir, ca.certPath, DEFAULT_NSS_NICKNAME, { run });
        const status = await nssTrustStatus(db.dir, ca.certPem, { run });
        if (!status.trusted) throw new Error(`certutil reported success but ${status.message}`);
        out.write(`Trusted the Flowscope CA in ${db.dir} (${db.label}).\n`);
      } else {
        const removed = await removeCaFromNss(db.dir, DEFAULT_NSS_NICKNAME, { run });
        out.write(removed > 0 ? `Removed the Flowscope CA from ${db.dir} (${db.label}).\n` : `${db.dir} (${db.label}) did not hold the Flowscope CA.\n`);
      }
    } catch (error) {
      // Without certutil no database can be changed: one message, not one per database.
      if (error instanceof CertutilMissingError) {
        err.write(`flowscope: ${error.message}\n`);
        return 1;
      }
      failures++;
      err.write(`flowscope: ${(error as Error).message}\n`);
    }
  }
  if (failures < databases.length) out.write('Restart the browsers that were open for the change to take effect.\n');
  return failures === 0 ? 0 : 1;
}
