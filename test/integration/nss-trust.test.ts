/** The real certutil on temporary NSS databases: what Chrome and Firefox on Linux would read. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caTrustCommand } from '../../src-main/cli/ca-trust.js';
import { installCaInNss, nssTrustStatus, removeCaFromNss } from '../../src-main/os/trust/nss.js';
import { loadOrCreateCa } from '../../src-main/ca/index.js';
import { makeSelfSignedLeaf } from '../fixtures/index.js';
import { tempDir } from './harness.js';

const NICK = 'Flowscope CA';
let work: string;
let caPem: string;
let caPath: string;

function newDb(name: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  return dir;
}

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

beforeAll(async () => {
  work = tempDir('flowscope-nss-');
  const ca = await loadOrCreateCa(path.join(work, 'data'));
  caPem = ca.certPem;
  caPath = ca.certPath;
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('NSS trust with the real certutil', () => {
  it('installs, reads as trusted by fingerprint, removes, reads as not trusted', async () => {
    const db = newDb('round-trip');
    expect(await nssTrustStatus(db, caPem)).toMatchObject({ trusted: false, state: 'missing' });

    await installCaInNss(db, caPath, NICK);
    expect(await nssTrustStatus(db, caPem)).toMatchObject({ trusted: true, state: 'trusted' });
    expect(execFileSync('certutil', ['-L', '-d', `sql:${db}`], { encoding: 'utf8' })).toMatch(/Flowscope CA\s+C,,/);

    // Installing again replaces rather than failing on the taken nickname.
    await installCaInNss(db, caPath, NICK);
    expect(await nssTrustStatus(db, caPem)).toMatchObject({ trusted: true });

    expect(await removeCaFromNss(db, NICK)).toBe(1);
    expect(await nssTrustStatus(db, caPem)).toMatchObject({ trusted: false, state: 'missing' });
    expect(await removeCaFromNss(db, NICK)).toBe(0);
  });

  it('reads another certificate under our nickname as not trusted, and replaces it on install', async () => {
    const db = newDb('impostor');
    const other = path.join(work, 'other.pem');
    writeFileSync(other, makeSelfSignedLeaf().certPem);
    execFileSync('certutil', ['-A', '-d', `sql:${db}`, '-n', NICK, '-t', 'C,,', '-i', other]);
    expect(await nssTrustStatus(db, caPem)).toMatchObject({ trusted: false, state: 'different' });

    await installCaInNss(db, caPath, NICK);
    expect(await nssTrustStatus(db, caPem)).toMatchObject({ trusted: true });
  });

  it('names the database and quotes certutil when the folder is no database', async () => {
    await expect(nssTrustStatus(path.join(work, 'missing-dir'), caPem)).rejects.toThrow(/Reading .*missing-dir failed[\s\S]*SEC_ERROR_BAD_DATABASE/);
  });
});

describe('flowscope ca trust --store nss --nss-db DIR', () => {
  it('trusts the data directory CA and untrusts it again', async () => {
    const db = newDb('cli');
    const dataDir = path.join(work, 'data');
    const out = capture();
    expect(await caTrustCommand(dataDir, 'trust', { store: 'nss', nssDb: `sql:${db}`, out: out.stream })).toBe(0);
    expect(out.text()).toContain(`Trusted the Flowscope CA in ${db} (given with --nss-db).`);
    expect(await nssTrustStatus(db, readFileSync(caPath, 'utf8'))).toMatchObject({ trusted: true });

    const again = capture();
    expect(await caTrustCommand(dataDir, 'untrust', { store: 'nss', nssDb: db, out: again.stream })).toBe(0);
    expect(again.text()).toContain(`Removed the Flowscope CA from ${db}`);
    expect(await nssTrustStatus(db, caPem)).toMatchObject({ trusted: false });
  });

  it('refuses a folder without a database and says how to create one', async () => {
    const err = capture();
    const dir = path.join(work, 'empty');
    expect(await caTrustCommand(path.join(work, 'data'), 'trust', { store: 'nss', nssDb: dir, err: err.stream })).toBe(1);
    expect(err.text()).toContain(`${dir} holds no NSS database (cert9.db)`);
    expect(err.text()).toContain(`certutil -N -d sql:${dir} --empty-password`);
  });

  it('says certutil is missing once, whatever the number of databases', async () => {
    const err = capture();
    const missing = async () => {
      throw Object.assign(new Error('spawn certutil ENOENT'), { code: 'ENOENT' });
    };
    const databases = () => [{ dir: '/a', label: 'A' }, { dir: '/b', label: 'B' }];
    expect(await caTrustCommand(path.join(work, 'data'), 'untrust', { store: 'nss', err: err.stream, run: missing, databases })).toBe(1);
    expect(err.text()).toBe(
      'flowscope: certutil is not installed. Install it with: sudo apt-get install libnss3-tools (Debian/Ubuntu), sudo dnf install nss-tools (Fedora). On macOS: brew install nss.\n',
    );
  });
});
