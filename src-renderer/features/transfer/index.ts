export { DropOverlay } from './DropOverlay.js';
export { ExportDialog } from './ExportDialog.js';
export { ImportButton } from './ImportButton.js';
