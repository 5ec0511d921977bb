import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { installSystemTrust, LINUX_ANCHOR, removeSystemTrust, systemTrustStatus, type SystemTrustDeps } from '../../src-main/os/system-store/system-trust.js';
import type { CommandResult } from '../../src-main/os/command.js';
import { makeTestPki } from '../fixtures/index.js';

const { caCertPem } = makeTestPki();
const sha1 = createHash('sha1').update(new X509Certificate(caCertPem).raw).digest('hex').toUpperCase();

function deps(platform: NodeJS.Platform, answers: Record<string, CommandResult> = {}, files: Record<string, string> = {}, isRoot = false) {
  const calls: string[] = [];
  const d: SystemTrustDeps = {
    platform,
    isRoot,
    home: '/home/ada',
    exists: (file) => file in files,
    readFile: (file) => files[file] ?? '',
    run: async (command, args) => {
      const line = [command, ...args].join(' ');
      calls.push(line);
      return answers[command] ?? { code: 0, stdout: '', stderr: '' };
    },
  };
  return { d, calls };
}

describe('system trust store', () => {
  it('macOS: the login keychain, trusted for SSL, found by its SHA-1', async () => {
    const { d, calls } = deps('darwin', { security: { code: 0, stdout: `SHA-1 hash: ${sha1}\n`, stderr: '' } });
    expect(await systemTrustStatus(caCertPem, d)).toEqual({ trusted: true, store: 'login keychain' });
    await installSystemTrust('/data/ca-cert.pem', d);
    await removeSystemTrust('/data/ca-cert.pem', caCertPem, d);
    expect(calls).toEqual([
      'security find-certificate -a -Z -c Flowscope CA /home/ada/Library/Keychains/login.keychain-db',
      'security add-trusted-cert -r trustRoot -k /home/ada/Library/Keychains/login.keychain-db /data/ca-cert.pem',
      `security delete-certificate -Z ${sha1} /home/ada/Library/Keychains/login.keychain-db`,
    ]);
  });

  it('Windows: the current user\'s Root store with certutil -user', async () => {
    const { d, calls } = deps('win32', { certutil: { code: 1, stdout: '', stderr: 'not found' } });
    expect(await systemTrustStatus(caCertPem, d)).toEqual({ trusted: false, store: 'current user Root store' });
    await expect(installSystemTrust('C:\\data\\ca-cert.pem', d)).rejects.toThrow(/`certutil -user -addstore Root C:\\data\\ca-cert.pem` failed \(exit 1\): not found\nTo do it by hand: open/);
    expect(calls[0]).toBe(`certutil -user -verifystore Root ${sha1}`);
  });

  it('Linux: reads the system bundle; installs through pkexec when not root, directly when root', async () => {
    const bundle = '/etc/ssl/certs/ca-certificates.crt';
    expect(await systemTrustStatus(caCertPem, deps('linux', {}, { [bundle]: `junk\n${caCertPem}` }).d)).toMatchObject({ trusted: true });
    expect(await systemTrustStatus(caCertPem, deps('linux', {}, { [bundle]: '' }).d)).toMatchObject({ trusted: false });
    const user = deps('linux', {}, { '/usr/sbin/update-ca-certificates': '' });
    await installSystemTrust('/data/ca-cert.pem', user.d);
    expect(user.calls).toEqual([`pkexec cp /data/ca-cert.pem ${LINUX_ANCHOR}`, 'pkexec update-ca-certificates']);
    const root = deps('linux', {}, { '/usr/sbin/update-ca-certificates': '', [LINUX_ANCHOR]: '' }, true);
    await installSystemTrust('/data/ca-cert.pem', root.d);
    await removeSystemTrust('/data/ca-cert.pem', caCertPem, root.d);
    expect(root.calls).toEqual([`cp /data/ca-cert.pem ${LINUX_ANCHOR}`, 'update-ca-certificates', `rm -f ${LINUX_ANCHOR}`, 'update-ca-certificates --fresh']);
    const fedora = deps('linux', {}, {}, true);
    await installSystemTrust('/data/ca-cert.pem', fedora.d);
    expect(fedora.calls).toEqual(['trust anchor --store /data/ca-cert.pem']);
  });
});
