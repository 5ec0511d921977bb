/**
 * Monaco from node_modules with its worker bundled by Vite (no CDN loader: the app works offline
 * and under the CSP). Only the tokenizers the body viewer needs are registered; JSON is
 * highlighted with the JavaScript tokenizer, which needs no language worker.
 */
import * as monaco from 'monaco-editor/editor/editor.api.js';
import 'monaco-editor/languages/definitions/javascript/register.js';
import 'monaco-editor/languages/definitions/css/register.js';
import 'monaco-editor/languages/definitions/html/register.js';
import 'monaco-editor/languages/definitions/xml/register.js';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import type { BodyLanguage } from './body-format.js';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };

export function monacoLanguage(language: BodyLanguage): string {
  return language === 'json' ? 'javascript' : language;
}
