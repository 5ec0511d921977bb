// Builds the renderer only (the Node side is built by tsc). Everything is bundled locally, monaco
// and its workers included, so the UI works offline under the CSP of
// src-main/transports/content-security-policy.ts.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
});
