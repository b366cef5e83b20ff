// Makes a fresh clone runnable: installs npm dependencies when they are missing and, with
// --browser, finds a Chrome/Chromium (installing Debian's `chromium` when we are root on
// Debian/Ubuntu). Uses only Node built-ins because it runs before `npm ci`.
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { execSync } from 'node:child_process';

const wantBrowser = process.argv.includes('--browser');
const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const say = (msg) => console.log(`[setup] ${msg}`);

if (!existsSync('node_modules/.package-lock.json') || !existsSync('node_modules/webgpu')) {
  say('installing npm dependencies (npm ci)');
  run('npm ci --no-audit --no-fund');
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');

function aptInstall(packages, why) {
  if (!isRoot || !hasApt) return false;
  say(`installing ${packages.join(' ')} with apt-get (${why})`);
  try {
    run(`DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(' ')}`);
  } catch {
    run('apt-get update -qq');
    run(`DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(' ')}`);
  }
  return true;
}

// Dawn (the `webgpu` package) loads the Vulkan loader; with no GPU driver it uses SwiftShader,
// which Debian ships inside the chromium package.
const vulkanLoaders = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1'];
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
const missing = [];
if (process.platform === 'linux' && !vulkanLoaders.some(existsSync)) missing.push('libvulkan1');

const browserCandidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'].filter(Boolean);
let browser = browserCandidates.find((p) => existsSync(p));
if (process.platform === 'linux' && (wantBrowser || !existsSync(swiftshader)) && !browser) missing.push('chromium');

if (missing.length && !aptInstall(missing, 'WebGPU in headless Chromium, and SwiftShader for Dawn in Node')) {
  const msg = `missing: ${missing.join(', ')}. Install them (Debian/Ubuntu: sudo apt-get install -y ${missing.join(' ')}),` +
    ' or set CHROME_PATH to a Chrome/Chromium binary.';
  if (wantBrowser && missing.includes('chromium')) { console.error(`[setup] ${msg}`); process.exit(1); }
  say(msg);
}
browser = browserCandidates.find((p) => existsSync(p)) ?? browser;
if (browser) {
  mkdirSync('node_modules/.initscope', { recursive: true });
  writeFileSync('node_modules/.initscope/browser.json', JSON.stringify({ executablePath: browser }));
}
