/**
 * The Flowscope CA in the operating system's trust store: status, install and removal per OS.
 * macOS: the login keychain (the OS asks for the password); Windows: the current user's Root
 * store; Linux: the system store (update-ca-certificates on Debian/Ubuntu, trust anchor on
 * Fedora/Arch), through pkexec when not root. Commands go through an injectable runner.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mustRun, runCommand, type RunCommand } from '../command.js';

export interface SystemTrustDeps {
  platform: NodeJS.Platform;
  run: RunCommand;
  exists: (file: string) => boolean;
  readFile: (file: string) => string;
  isRoot: boolean;
  home: string;
}

export const defaultDeps = (): SystemTrustDeps => ({
  platform: process.platform,
  run: runCommand,
  exists: existsSync,
  readFile: (file) => readFileSync(file, 'utf8'),
  isRoot: process.getuid?.() === 0,
  home: os.homedir(),
});

export const LINUX_ANCHOR = '/usr/local/share/ca-certificates/flowscope-ca.crt';
const LINUX_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const FEDORA_ANCHOR_DIR = '/etc/pki/ca-trust/source/anchors';

function sha1Hex(certPem: string): string {
  return createHash('sha1').update(new X509Certificate(certPem).raw).digest('hex').toUpperCase();
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function samePem(a: string, b: string): boolean {
  try {
    return new X509Certificate(a).fingerprint256 === new X509Certificate(b).fingerprint256;
  } catch {
    return false;
  }
}

/** Whether the OS trusts this CA, and where the check looked. */
export async function systemTrustStatus(caCertPem: string, deps: SystemTrustDeps = defaultDeps()): Promise<{ trusted: boolean; store: string }> {
  if (deps.platform === 'darwin') {
    const keychain = path.join(deps.home, 'Library/Keychains/login.keychain-db');
    const found = await deps.run('security', ['find-certificate', '-a', '-Z', '-c', 'Flowscope CA', keychain]);
    return { trusted: found.code === 0 && found.stdout.toUpperCase().includes(sha1Hex(caCertPem)), store: 'login keychain' };
  }
  if (deps.platform === 'win32') {
    const found = await deps.run('certutil', ['-user', '-verifystore', 'Root', sha1Hex(caCertPem)]);
    return { trusted: found.code === 0, store: 'current user Root store' };
  }
  const bundle = deps.exists(LINUX_BUNDLE) ? deps.readFile(LINUX_BUNDLE) : '';
  return { trusted: pemBlocks(bundle).some((pem) => samePem(pem, caCertPem)), store: LINUX_BUNDLE };
}

/** Adds the CA; on Linux this needs root (pkexec asks when not root). */
export async function installSystemTrust(caCertPath: string, deps: SystemTrustDeps = defaultDeps()): Promise<string> {
  if (deps.platform === 'darwin') {
    const keychain = path.join(deps.home, 'Library/Keychains/login.keychain-db');
    await mustRun(deps.run, 'security', ['add-trusted-cert', '-r', 'trustRoot', '-k', keychain, caCertPath],
      `open ${caCertPath} in Keychain Access, add it to the login keychain, then double-click "Flowscope CA" → Trust → Always Trust.`);
    return 'Added to the login keychain as trusted for SSL.';
  }
  if (deps.platform === 'win32') {
    await mustRun(deps.run, 'certutil', ['-user', '-addstore', 'Root', caCertPath],
      `open ${caCertPath}, Install Certificate → Current User → Trusted Root Certification Authorities.`);
    return 'Added to the current user\'s Trusted Root store.';
  }
  const sudo = (command: string, args: string[]): [string, string[]] => (deps.isRoot ? [command, args] : ['pkexec', [command, ...args]]);
  if (deps.exists('/usr/sbin/update-ca-certificates') || deps.exists('/usr/bin/update-ca-certificates')) {
    await mustRun(deps.run, ...sudo('cp', [caCertPath, LINUX_ANCHOR]), `sudo cp ${caCertPath} ${LINUX_ANCHOR} && sudo update-ca-certificates`);
    await mustRun(deps.run, ...sudo('update-ca-certificates', []), `sudo cp ${caCertPath} ${LINUX_ANCHOR} && sudo update-ca-certificates`);
    return `Added to the system store (${LINUX_ANCHOR}). Firefox and Chrome keep their own stores: trust them with --store nss.`;
  }
  await mustRun(deps.run, ...sudo('trust', ['anchor', '--store', caCertPath]), `sudo cp ${caCertPath} ${FEDORA_ANCHOR_DIR}/ && sudo update-ca-trust`);
  return 'Added to the system store with trust anchor.';
}

export async function removeSystemTrust(caCertPath: string, caCertPem: string, deps: SystemTrustDeps = defaultDeps()): Promise<string> {
  if (deps.platform === 'darwin') {
    await mustRun(deps.run, 'security', ['delete-certificate', '-Z', sha1Hex(caCertPem), path.join(deps.home, 'Library/Keychains/login.keychain-db')],
      'open Keychain Access, find "Flowscope CA" in the login keychain and delete it.');
    return 'Removed from the login keychain.';
  }
  if (deps.platform === 'win32') {
    await mustRun(deps.run, 'certutil', ['-user', '-delstore', 'Root', sha1Hex(caCertPem)], 'run certmgr.msc, Trusted Root Certification Authorities → Certificates, delete "Flowscope CA".');
    return 'Removed from the current user\'s Trusted Root store.';
  }
  const sudo = (command: string, args: string[]): [string, string[]] => (deps.isRoot ? [command, args] : ['pkexec', [command, ...args]]);
  if (deps.exists(LINUX_ANCHOR)) {
    await mustRun(deps.run, ...sudo('rm', ['-f', LINUX_ANCHOR]), `sudo rm ${LINUX_ANCHOR} && sudo update-ca-certificates --fresh`);
    await mustRun(deps.run, ...sudo('update-ca-certificates', ['--fresh']), `sudo update-ca-certificates --fresh`);
    return 'Removed from the system store.';
  }
  await mustRun(deps.run, ...sudo('trust', ['anchor', '--remove', caCertPath]), `sudo rm ${FEDORA_ANCHOR_DIR}/flowscope-ca.pem && sudo update-ca-trust`);
  return 'Removed from the system store.';
}
