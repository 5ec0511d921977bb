import { createPrivateKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { generateCa, type CaPem } from './generate.js';
import { caInfo } from './info.js';
import type { CaMaterial } from './material.js';

export const certFileName = 'ca-cert.pem';
export const keyFileName = 'ca-key.pem';

const newCaAdvice = 'clients that trusted the old one must trust the new one.';

/**
 * Loads the CA from dataDir, or creates one there on first start. An existing CA is never
 * replaced: clients trust it by fingerprint, so a silent new CA would break every one of them.
 */
export async function loadOrCreateCa(dataDir: string): Promise<CaMaterial> {
  const certPath = join(dataDir, certFileName);
  const keyPath = join(dataDir, keyFileName);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem === undefined && keyPem === undefined) {
    const created = generateCa();
    await writeCa(created, certPath, keyPath);
    return material(created, certPath, keyPath);
  }
  if (keyPem === undefined) {
    throw damaged(dataDir, `${keyFileName} is missing`, `Restore it, or move ${certFileName} away to create a new CA; ${newCaAdvice}`);
  }
  if (certPem === undefined) {
    throw damaged(dataDir, `${certFileName} is missing`, `Restore it, or move ${keyFileName} away to create a new CA; ${newCaAdvice}`);
  }
  await tightenKeyMode(keyPath);
  checkCa(dataDir, certPem, keyPem);
  return material({ certPem, keyPem }, certPath, keyPath);
}

/**
 * Replaces the CA with a new one (the old files are kept beside it as *.old). Every client that
 * trusted the old CA must trust the new one instead, and the old trust should be removed: the
 * caller says so. Only while no proxy runs on the data directory (the caller holds its lock).
 */
export async function regenerateCa(dataDir: string): Promise<CaMaterial> {
  const certPath = join(dataDir, certFileName);
  const keyPath = join(dataDir, keyFileName);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  for (const file of [certPath, keyPath]) {
    await rename(file, `${file}.old`).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  const created = generateCa();
  await writeCa(created, certPath, keyPath);
  return material(created, certPath, keyPath);
}

function material(pem: CaPem, certPath: string, keyPath: string): CaMaterial {
  return { ...pem, certPath, keyPath, info: caInfo(pem.certPem, certPath) };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Throws a message naming the broken file when the pair cannot serve as our signing CA. */
function checkCa(dataDir: string, certPem: string, keyPem: string): void {
  const moveBoth = `Move both files away to create a new CA; ${newCaAdvice}`;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw damaged(dataDir, `${certFileName} is not a readable PEM certificate`, moveBoth);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw damaged(dataDir, `${keyFileName} is not a readable, unencrypted PEM private key`, moveBoth);
  }
  if (!cert.ca) throw damaged(dataDir, `${certFileName} is not a CA certificate`, moveBoth);
  // The PKCS#12 export goes through node-forge, which only handles RSA keys.
  if (key.asymmetricKeyType !== 'rsa') throw damaged(dataDir, `${keyFileName} is not an RSA key`, moveBoth);
  if (!cert.checkPrivateKey(key)) throw damaged(dataDir, `${keyFileName} does not match ${certFileName}`, moveBoth);
}

function damaged(dataDir: string, what: string, advice: string): Error {
  return new Error(`The Flowscope CA in ${dataDir} is damaged (${what}). ${advice}`);
}

/** A key someone made readable to others (a copy, a restore from backup) goes back to owner-only. */
async function tightenKeyMode(keyPath: string): Promise<void> {
  // Windows has no POSIX modes; its files are protected by the profile folder's ACL.
  if (process.platform === 'win32') return;
  const mode = (await stat(keyPath)).mode & 0o777;
  if ((mode & ~0o600) !== 0) await chmod(keyPath, 0o600);
}

/**
 * Each file is written to a temp file and renamed into place, so a crash never leaves half a PEM.
 * The key's temp file is created with mode 0600, so the key is never readable by others, not even
 * for an instant. The certificate goes last: a certificate on disk always has its key beside it.
 */
async function writeCa(pem: CaPem, certPath: string, keyPath: string): Promise<void> {
  const keyTemp = await writeTempFile(keyPath, pem.keyPem, 0o600);
  const certTemp = await writeTempFile(certPath, pem.certPem, 0o644).catch(async (error: unknown) => {
    await unlink(keyTemp).catch(() => undefined);
    throw error;
  });
  await rename(keyTemp, keyPath);
  await rename(certTemp, certPath);
}

async function writeTempFile(path: string, content: string, mode: number): Promise<string> {
  const tempPath = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tempPath, 'wx', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return tempPath;
}
