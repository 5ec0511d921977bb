/**
 * The renderer's Content-Security-Policy, the same in Electron and in browser mode. Monaco needs
 * inline styles and workers from our own origin; nothing is loaded from anywhere else, no frames,
 * and intercepted images are shown from blob: URLs only.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
