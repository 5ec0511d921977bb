// Lint zones enforce the import direction of ARCHITECTURE.md: src-shared imports nothing of ours
// and no runtime, src-renderer never reaches into src-main or Node, and only the Electron folders
// of src-main may import 'electron'.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// A regex, not gitignore-style groups: the group 'util' would also match our own '../util/x.js'.
const nodeBuiltins = '^(node:.*|fs(/.*)?|path|os|http|https|net|tls|crypto|child_process|stream|zlib|url|events|util)$';
const electronFolders = ['src-main/app/**', 'src-main/preload/**', 'src-main/transports/ipc/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['bin/**/*.js', 'test/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/src-main/**', '**/src-renderer/**', '**/test/**'], message: 'src-shared imports nothing of ours outside src-shared.' },
          { regex: `^electron$|${nodeBuiltins}`, message: 'src-shared is pure TypeScript: no electron, no node:*.' },
        ],
      }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/src-main/**', '**/test/**'], message: 'The renderer reaches the main process only through the contract in src-shared/api.' },
          { regex: `^electron$|${nodeBuiltins}`, message: 'The renderer never imports electron or node:*.' },
        ],
      }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: electronFolders,
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron'], message: "Only src-main/app, src-main/preload and src-main/transports/ipc may import 'electron'; the rest runs in plain Node." },
          { group: ['**/src-renderer/**'], message: 'src-main never imports the renderer.' },
        ],
      }],
    },
  },
);
