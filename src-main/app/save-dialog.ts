/** The native "Save as" dialog for exports, suggesting the Downloads folder. */
import path from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import type { SaveDialog } from '../service/transfer-service.js';

const FILTERS = {
  har: [{ name: 'HAR (HTTP Archive)', extensions: ['har'] }],
  ndjson: [{ name: 'Flowscope JSON (one flow per line)', extensions: ['ndjson', 'json'] }],
};

export function createSaveDialog(dialog: Pick<Dialog, 'showSaveDialog'>, downloadsDir: () => string, window: () => BrowserWindow | null): SaveDialog {
  return async (suggestedName) => {
    const options = {
      title: 'Export flows',
      defaultPath: path.join(downloadsDir(), suggestedName),
      filters: suggestedName.endsWith('.har') ? FILTERS.har : FILTERS.ndjson,
    };
    const parent = window();
    const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  };
}
