export { loadOrCreateCa, regenerateCa, certFileName, keyFileName } from './store.js';
export { caInfo, fingerprintSha256, spkiSha256 } from './info.js';
export { exportCa, type CaExportOptions } from './export.js';
export type { CaMaterial } from './material.js';
export type { CaInfo, CaExportFormat } from '../../src-shared/model/ca.js';
