export { WatchesPanel } from './WatchesPanel.js';
export { WatchesToggle } from './WatchesToggle.js';
