/**
 * The preload entry. In a sandboxed renderer a preload cannot import modules at run time, so
 * vite.preload.config.ts bundles this file and its imports into dist/preload/preload.cjs.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from './api-bridge.js';

contextBridge.exposeInMainWorld('api', buildApi(ipcRenderer));
