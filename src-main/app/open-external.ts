/**
 * The one way a URL leaves the app for the OS: shell.openExternal hands anything to the OS, and
 * file:, javascript:, smb: or a custom scheme there can run programs. Only web pages go out.
 */
import type { Shell } from 'electron';

export type OpenExternal = (url: string) => boolean;

export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
}

/** Opens http/https URLs in the default browser; refuses anything else and says so. */
export function createOpenExternal(shell: Pick<Shell, 'openExternal'>): OpenExternal {
  return (url) => {
    if (!isSafeExternalUrl(url)) {
      console.error(`Flowscope: refused to open ${JSON.stringify(url)}; only http and https links open in the browser.`);
      return false;
    }
    shell.openExternal(url).catch((error: unknown) => {
      console.error(`Flowscope: could not open ${url} in the browser (${(error as Error).message}).`);
    });
    return true;
  };
}
