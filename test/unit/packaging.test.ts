/**
 * The installers' configuration, checked against electron-builder's own JSON schema and against
 * what the issue asks of it. The installers themselves need the Electron binary, which cannot be
 * downloaded here (FACTS.md): `npm run dist` runs on the OS each installer is for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const config = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as Record<string, Record<string, unknown>>;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; main: string };

describe('electron-builder.yml', () => {
  it('is valid against electron-builder\'s schema', () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(config) ? [] : validate.errors).toEqual([]);
  });

  it('builds dmg and zip (hardened runtime, entitlements in build/), per-user nsis, AppImage and deb', () => {
    expect(config.mac).toMatchObject({ target: ['dmg', 'zip'], hardenedRuntime: true, entitlements: 'build/entitlements.mac.plist' });
    expect(config.win).toMatchObject({ target: ['nsis'] });
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false });
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'] });
    for (const file of ['build/entitlements.mac.plist', 'build/icon.png']) expect(existsSync(file)).toBe(true);
    expect(readFileSync('build/entitlements.mac.plist', 'utf8')).toContain('com.apple.security.cs.allow-jit');
  });

  it('keeps better-sqlite3 out of the asar and rebuilds it for Electron at packaging time only', () => {
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
    expect(config.npmRebuild).toBe(true);
    // The normal install keeps the Node build that the tests and `flowscope serve` load.
    expect(Object.keys(pkg.scripts).filter((name) => /install/.test(name))).toEqual([]);
    expect(pkg.scripts.dist).toBe('npm run build && electron-builder --publish never');
  });

  it('packs the built app, the CLI and the renderer, and starts the Electron entry', () => {
    const files = config.files as unknown as string[];
    for (const part of ['dist/src-main/**', 'dist/renderer/**', 'dist/preload/**', 'bin/**']) expect(files).toContain(part);
    expect((config.extraMetadata as { main: string }).main).toBe(pkg.main);
    expect(existsSync(path.join('src-main', 'index.ts'))).toBe(true);
  });
});
