import { describe, expect, it } from 'vitest';
import {
  CERTUTIL_MISSING_MESSAGE,
  defaultNssDatabases,
  installCaInNss,
  nssTrustStatus,
  removeCaFromNss,
  sslTrustOf,
  type CommandResult,
} from '../../src-main/os/trust/nss.js';
import { makeSelfSignedLeaf, makeTestPki } from '../fixtures/index.js';

type Reply = Partial<CommandResult> | Error;

/** A certutil that answers from a script and records every call. */
function fakeCertutil(replies: Reply[]) {
  const calls: string[][] = [];
  const run = async (cmd: string, args: string[]): Promise<CommandResult> => {
    calls.push([cmd, ...args]);
    const reply = replies.shift() ?? { code: 0 };
    if (reply instanceof Error) throw reply;
    return { code: 0, stdout: '', stderr: '', ...reply };
  };
  return { run, calls };
}

const NOT_FOUND_LIST = { code: 255, stderr: 'certutil: Could not find cert: Flowscope CA\n: PR_FILE_NOT_FOUND_ERROR: File not found\n' };
const NOT_FOUND_DELETE = { code: 255, stderr: 'certutil: could not find certificate named "Flowscope CA": SEC_ERROR_INVALID_ARGS: security library: invalid arguments.\n' };
const listing = (trust: string) =>
  `\nCertificate Nickname                                         Trust Attributes\n                                                             SSL,S/MIME,JAR/XPI\n\nFlowscope CA                                                 ${trust}  \n`;

describe('installCaInNss', () => {
  it('removes an older certificate under the nickname, then adds ours trusted for websites', async () => {
    const { run, calls } = fakeCertutil([{ code: 0 }, NOT_FOUND_DELETE, { code: 0 }]);
    await installCaInNss('/home/ann/.pki/nssdb', '/data/ca-cert.pem', 'Flowscope CA', { run });
    expect(calls).toEqual([
      ['certutil', '-D', '-d', 'sql:/home/ann/.pki/nssdb', '-n', 'Flowscope CA'],
      ['certutil', '-D', '-d', 'sql:/home/ann/.pki/nssdb', '-n', 'Flowscope CA'],
      ['certutil', '-A', '-d', 'sql:/home/ann/.pki/nssdb', '-n', 'Flowscope CA', '-t', 'C,,', '-i', '/data/ca-cert.pem'],
    ]);
  });

  it('quotes what certutil said and the command to run by hand when adding fails', async () => {
    const { run } = fakeCertutil([NOT_FOUND_DELETE, { code: 255, stderr: 'certutil: could not add certificate to token or database: SEC_ERROR_READ_ONLY\n' }]);
    const failure = installCaInNss('sql:/db dir', '/data/ca-cert.pem', 'Flowscope CA', { run });
    await expect(failure).rejects.toThrow(
      'Adding the Flowscope CA to /db dir failed: certutil -A -d "sql:/db dir" -n "Flowscope CA" -t C,, -i /data/ca-cert.pem\n' +
        'certutil: could not add certificate to token or database: SEC_ERROR_READ_ONLY\n' +
        'To do it by hand: certutil -A -d "sql:/db dir" -n "Flowscope CA" -t C,, -i /data/ca-cert.pem',
    );
  });

  it('says how to install certutil when it is missing', async () => {
    const missing = Object.assign(new Error('spawn certutil ENOENT'), { code: 'ENOENT' });
    const { run } = fakeCertutil([missing]);
    await expect(installCaInNss('/db', '/ca.pem', 'Flowscope CA', { run })).rejects.toThrow(CERTUTIL_MISSING_MESSAGE);
  });

  it('understands the shared runner\'s way of saying a command is missing (exit 127)', async () => {
    const { run } = fakeCertutil([{ code: 127, stderr: 'certutil: command not found' }]);
    await expect(nssTrustStatus('/db', makeTestPki().caCertPem, { run })).rejects.toThrow(CERTUTIL_MISSING_MESSAGE);
  });
});

describe('removeCaFromNss', () => {
  it('counts the certificates removed and stops when none is left', async () => {
    const { run, calls } = fakeCertutil([{ code: 0 }, { code: 0 }, NOT_FOUND_DELETE]);
    expect(await removeCaFromNss('/db', 'Flowscope CA', { run })).toBe(2);
    expect(calls).toHaveLength(3);
  });

  it('reports a database certutil cannot open, with its output', async () => {
    const { run } = fakeCertutil([{ code: 255, stderr: 'certutil: function failed: SEC_ERROR_BAD_DATABASE: security library: bad database.\n' }]);
    await expect(removeCaFromNss('/nope', 'Flowscope CA', { run })).rejects.toThrow(/Removing "Flowscope CA" from \/nope failed[\s\S]*SEC_ERROR_BAD_DATABASE[\s\S]*To do it by hand: certutil -D -d sql:\/nope -n "Flowscope CA"/);
  });
});

describe('nssTrustStatus', () => {
  const ours = makeTestPki().caCertPem;

  it('is trusted when the certificate under the nickname is ours and carries C for SSL', async () => {
    const { run, calls } = fakeCertutil([{ stdout: ours }, { stdout: listing('C,,') }]);
    const status = await nssTrustStatus('/db', ours, { run });
    expect(status).toMatchObject({ dbDir: '/db', trusted: true, state: 'trusted' });
    expect(calls).toEqual([
      ['certutil', '-L', '-d', 'sql:/db', '-n', 'Flowscope CA', '-a'],
      ['certutil', '-L', '-d', 'sql:/db'],
    ]);
  });

  it('is not trusted when another certificate has our nickname', async () => {
    const { run } = fakeCertutil([{ stdout: makeSelfSignedLeaf().certPem }]);
    expect(await nssTrustStatus('/db', ours, { run })).toMatchObject({ trusted: false, state: 'different' });
  });

  it('is not trusted when the nickname is absent', async () => {
    const { run } = fakeCertutil([NOT_FOUND_LIST]);
    expect(await nssTrustStatus('/db', ours, { run })).toMatchObject({ trusted: false, state: 'missing' });
  });

  it('is not trusted when our certificate lacks the C flag for websites', async () => {
    const { run } = fakeCertutil([{ stdout: ours }, { stdout: listing(',,') }]);
    expect(await nssTrustStatus('/db', ours, { run })).toMatchObject({ trusted: false, state: 'untrusted' });
  });
});

describe('sslTrustOf', () => {
  it('reads the SSL field of a nickname with spaces', () => {
    expect(sslTrustOf(listing('CT,C,C'), 'Flowscope CA')).toBe('CT');
    expect(sslTrustOf(listing('C,,'), 'Other')).toBeNull();
  });
});

describe('defaultNssDatabases', () => {
  const files = new Set([
    '/home/ann/.pki/nssdb/cert9.db',
    '/home/ann/.mozilla/firefox/abc.default-release/cert9.db',
    '/home/ann/snap/firefox/common/.mozilla/firefox/xyz.default/cert9.db',
    '/home/ann/.var/app/org.chromium.Chromium/.pki/nssdb/cert9.db',
  ]);
  const subfolders: Record<string, string[]> = {
    '/home/ann/.mozilla/firefox': ['Crash Reports', 'abc.default-release', 'Pending Pings'],
    '/home/ann/snap/firefox/common/.mozilla/firefox': ['xyz.default'],
  };
  const fs = { exists: (file: string) => files.has(file), subfolders: (dir: string) => subfolders[dir] ?? [] };

  it('lists the Chromium-family and Firefox databases that exist, native, snap and flatpak', () => {
    expect(defaultNssDatabases({ platform: 'linux', home: '/home/ann', fs })).toEqual([
      { dir: '/home/ann/.pki/nssdb', label: 'Chrome, Chromium, Edge and Brave' },
      { dir: '/home/ann/.var/app/org.chromium.Chromium/.pki/nssdb', label: 'Chromium (flatpak)' },
      { dir: '/home/ann/.mozilla/firefox/abc.default-release', label: 'Firefox profile abc.default-release' },
      { dir: '/home/ann/snap/firefox/common/.mozilla/firefox/xyz.default', label: 'Firefox (snap) profile xyz.default' },
    ]);
  });

  it('has none outside Linux, where browsers use the system store', () => {
    expect(defaultNssDatabases({ platform: 'darwin', home: '/home/ann', fs })).toEqual([]);
  });
});
