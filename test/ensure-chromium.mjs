// Before `npm test`: the browser tests drive Debian's Chromium, and the NSS trust tests run the
// real certutil (libnss3-tools). Find them, install them where we can (root on Debian/Ubuntu), or
// stop with the exact command to run. Never downloads a browser itself.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const canApt = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');

function aptInstall(pkg) {
  console.log(`The tests need ${pkg}; installing Debian's (apt-get install -y ${pkg})...`);
  const install = () => execFileSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    install();
  }
}

function onPath(program) {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const problems = [];

const explicit = process.env.FLOWSCOPE_CHROMIUM;
const chromium = () => [explicit, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file) => file && existsSync(file));
if (explicit && !existsSync(explicit)) {
  problems.push(`FLOWSCOPE_CHROMIUM is set to ${explicit}, which does not exist. Point it at a Chromium or Chrome binary.`);
} else if (!chromium()) {
  if (canApt) aptInstall('chromium');
  if (!chromium()) {
    problems.push(
      'The browser tests need Chromium and none was found.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y chromium\n' +
        '  Elsewhere:     FLOWSCOPE_CHROMIUM=/path/to/chromium-or-chrome npm test',
    );
  }
}

if (process.platform === 'linux' && !onPath('certutil')) {
  if (canApt) aptInstall('libnss3-tools');
  if (!onPath('certutil')) problems.push('The NSS trust tests need certutil: sudo apt-get install -y libnss3-tools (Fedora: sudo dnf install nss-tools).');
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
