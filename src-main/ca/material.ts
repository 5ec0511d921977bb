import type { CaInfo } from '../../src-shared/model/ca.js';

/** The CA as the proxy engine needs it. Only `info` may leave the main process. */
export interface CaMaterial {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
  info: CaInfo;
}
