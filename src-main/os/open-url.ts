/** Opens an http(s) address in the user's default browser; never anything else. */
import { spawn } from 'node:child_process';

export function openInBrowser(url: string): Promise<void> {
  if (!/^https?:\/\//.test(url)) return Promise.reject(new Error(`Refusing to open ${url}: only http and https addresses are opened.`));
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
    : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.once('error', (error) => reject(new Error(`Could not open a browser (${command}: ${error.message}). Open ${url} yourself.`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
