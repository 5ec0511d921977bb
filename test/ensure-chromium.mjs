// Before `npm test`: the browser tests drive Debian's Chromium. Find it, install it where we can
// (root on Debian/Ubuntu), or stop with the exact command to run. Never downloads a browser itself.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const explicit = process.env.FLOWSCOPE_CHROMIUM;
const found = [explicit, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file) => file && existsSync(file));
if (found) process.exit(0);
if (explicit) {
  console.error(`FLOWSCOPE_CHROMIUM is set to ${explicit}, which does not exist. Point it at a Chromium or Chrome binary.`);
  process.exit(1);
}

const canApt = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
if (canApt) {
  console.log('The browser tests need Chromium; installing Debian\'s (apt-get install -y chromium)...');
  const install = () => execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    install();
  }
  if (existsSync('/usr/bin/chromium')) process.exit(0);
}
console.error(
  'The browser tests need Chromium and none was found.\n' +
    '  Debian/Ubuntu: sudo apt-get install -y chromium\n' +
    '  Elsewhere:     FLOWSCOPE_CHROMIUM=/path/to/chromium-or-chrome npm test',
);
process.exit(1);
