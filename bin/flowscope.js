#!/usr/bin/env node
// The `flowscope` command. The TypeScript sources are compiled to dist/ by `npm install`
// (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src-main/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('flowscope: it is not built yet. Run `npm run build` in the Flowscope folder, then try again.');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
