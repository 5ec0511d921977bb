// The preload bundle: a sandboxed renderer's preload cannot import modules at run time, so
// src-main/preload and the contract it uses become one CommonJS file, dist/preload/preload.cjs.
// Only 'electron' stays outside; the sandbox provides it to require().
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/preload',
    emptyOutDir: true,
    target: 'chrome140',
    minify: false,
    sourcemap: true,
    lib: {
      entry: 'src-main/preload/preload.ts',
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rollupOptions: {
      external: ['electron'],
    },
  },
});
