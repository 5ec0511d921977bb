import { fileURLToPath } from 'node:url';

/** The renderer is served from this privileged scheme, never from file:// (see renderer-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'flowscope';
export const APP_BASE_URL = `${APP_SCHEME}://${APP_HOST}/`;

// Built layout: dist/src-main/app/*.js, dist/renderer/ (vite), dist/preload/preload.cjs.
const distRoot = new URL('../../', import.meta.url);

export const RENDERER_DIR = fileURLToPath(new URL('renderer/', distRoot));
export const PRELOAD_PATH = fileURLToPath(new URL('preload/preload.cjs', distRoot));
/** The app icon (tray), shipped in assets/ beside dist/. */
export const ICON_PATH = fileURLToPath(new URL('../assets/icon.png', distRoot));
