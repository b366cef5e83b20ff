// The single-pass view beyond one run: two configurations side by side on shared axes, fixed
// histogram ranges per tensor kind, log counts, norm layers, 50 layers, a preset that cancels
// the run in progress, the lost-device panel's restart, and every hash key fuzzed.
import { test, expect, type Page } from '@playwright/test';

async function waitDone(page: Page, timeout = 120_000): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout });
  await expect(page.locator('body'), await page.locator('#status').innerText()).toHaveAttribute('data-state', 'done');
}

test('small vs Xavier side by side: B collapses, A does not; fixed ranges are per tensor kind and shared', async ({ page }, testInfo) => {
  await page.goto('/demo/#act=tanh&init=xavier&width=256&layers=6&batch=16&compare=1&b_act=tanh&b_init=small&range=fixed&counts=log');
  await page.locator('#run').click();
  await waitDone(page);
  const r = await page.evaluate(() => window.initscope.lastResult!);
  const a6 = r.forward.layers[5].activation, b6 = r.compare!.forward.layers[5].activation;
  expect(a6.std).toBeGreaterThan(0.15);
  expect(b6.std).toBeLessThan(1e-3 * a6.std);
  // Fixed: A of tanh on [-1, 1] in both configurations; Z and dL/dW each on one range of their own, shared by every layer of A and B.
  const ranges = (pick: (x: typeof r.forward) => Array<{ histogram: { lo: number; hi: number } }>) =>
    new Set([...pick(r.forward), ...pick(r.compare!.forward)].map((t) => `${t.histogram.lo},${t.histogram.hi}`));
  expect([...ranges((f) => f.layers.map((l) => l.activation))]).toEqual(['-1,1']);
  const z = [...ranges((f) => f.layers.map((l) => l.preactivation))];
  expect(z).toHaveLength(1);
  expect(z[0]).not.toBe('-1,1');
  const dW = new Set([...r.backward!.layers, ...r.compare!.backward!.layers].map((l) => `${l.weightGrad.histogram.lo},${l.weightGrad.histogram.hi}`));
  expect(dW.size).toBe(1);
  // Z of Xavier + tanh has values beyond [-1, 1]; with a range of Z's own, few fall outside.
  const outside = r.forward.layers.reduce((s, l) => s + l.preactivation.histogram.underflow + l.preactivation.histogram.overflow, 0);
  expect(outside).toBeLessThan(0.001 * 6 * 16 * 256);
  await expect(page.locator('#hist-activation h3')).toHaveText([/^A: xavier \+ tanh/, /^B: small \+ tanh/]);
  await expect(page.locator('#hist-activation figure')).toHaveCount(12);
  await expect(page.locator('#hist-activation .range')).toContainText('A from -1 to 1, the same bins in every layer; y axis: entries per bin (log)');
  await expect(page.locator('#fractions-b tr')).toHaveCount(7);
  await page.screenshot({ path: testInfo.outputPath('compare-small-xavier.png'), fullPage: true });
  if (process.env.UPDATE_DOCS === '1') await page.screenshot({ path: 'docs/demo-compare.png', fullPage: true });
});

test('a preset during a run cancels it: what is shown matches the settings', async ({ page }) => {
  await page.goto('/demo/#act=tanh&init=xavier&width=1024&layers=6&batch=16&backward=1');
  await page.locator('#run').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'running');
  await page.locator('#presets button', { hasText: 'Kaiming + ReLU' }).click();
  await waitDone(page, 300_000);
  const { state, result, std } = await page.evaluate(() => ({
    state: window.initscope.state, result: window.initscope.lastResult!,
    std: Array.from(document.querySelectorAll('#fractions tr')).slice(1).map((tr) => tr.children[2].textContent),
  }));
  expect(state.act).toBe('relu');
  expect(state.init).toBe('kaiming');
  // ReLU zeroes about half of A: the result is the preset's, not the cancelled tanh run's.
  expect(result.forward.layers[0].activation.zeroFraction).toBeGreaterThan(0.4);
  expect(std).toEqual(result.forward.layers.map((l) => l.activation.std.toPrecision(4)));
  await expect(page.locator('#look')).toContainText('Kaiming + ReLU');

  // A change of the form during a run does the same: the new settings run, the old result is dropped.
  await page.locator('#controls select[name=act]').selectOption('tanh');
  await page.locator('#controls select[name=init]').selectOption('xavier');
  await page.locator('#run').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'running');
  await page.locator('#controls select[name=act]').selectOption('relu');
  await waitDone(page, 300_000);
  const after = await page.evaluate(() => ({ act: window.initscope.state.act, zero: window.initscope.lastResult!.forward.layers[0].activation.zeroFraction }));
  expect(after.act).toBe('relu');
  expect(after.zero).toBeGreaterThan(0.4);
  // The single-pass link keeps these settings for a visit to the training view and back.
  await page.locator('#to-train').click();
  await page.locator('#to-single').click();
  await expect(page.locator('#controls select[name=act]')).toHaveValue('relu');
  await expect(page.locator('#controls input[name=width]')).toHaveValue('1024');
});

test('batch norm in the single pass rescues small init; 50 layers run', async ({ page }) => {
  await page.goto('/demo/#act=tanh&init=small&norm=batch&width=128&layers=6&batch=16&backward=1');
  await page.locator('#run').click();
  await waitDone(page);
  const bn = await page.evaluate(() => window.initscope.lastResult!.forward.layers);
  // Every layer but the last has a norm (the engine leaves the top layer without one).
  for (const l of bn.slice(0, 5)) {
    expect(l.activation.std).toBeGreaterThan(0.5);
    expect(l.normalized!.std).toBeGreaterThan(0.9);
  }
  expect(bn[5].normalized).toBeUndefined();
  await page.goto('/demo/#act=relu&init=kaiming&width=32&layers=50&batch=8&backward=1');
  await page.reload();
  await page.locator('#run').click();
  await waitDone(page);
  await expect(page.locator('#hist-activation figure')).toHaveCount(50);
  expect(await page.evaluate(() => window.initscope.lastResult!.backward!.layers.length)).toBe(50);
});

test('a lost device shows the panel, and "Start again" runs on a new device', async ({ page }) => {
  await page.goto('/demo/#act=tanh&init=xavier&width=64&layers=3&batch=8&backward=1');
  await page.locator('#run').click();
  await waitDone(page);
  await page.evaluate(() => { window.initscope.engine!.device.destroy(); });
  await expect(page.locator('#lost')).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'error');
  await expect(page.locator('#lost-reason')).toContainText('destroyed');
  await page.locator('#restart').click();
  await waitDone(page);
  await expect(page.locator('#lost')).toBeHidden();
  expect(await page.evaluate(() => window.initscope.lastResult!.forward.layers.length)).toBe(3);
});

const HOSTILE = ['<script>alert(1)</script>', '1e308', '-1', '', 'ünïcødé ✓', 'NaN', '0x10', ' 5', '"><img src=x onerror=alert(2)>'];
const KEYS = {
  single: ['act', 'slope', 'elu_alpha', 'prelu_alpha', 'k', 'init', 'std', 'value', 'norm', 'width', 'layers', 'batch', 'seed', 'bias', 'range', 'counts', 'grad', 'backward', 'compare', 'b_act', 'b_init', 'b_norm', 'b_std'],
  train: ['dataset', 'act', 'init', 'std', 'norm', 'optimizer', 'lr', 'width', 'layers', 'batch', 'seed', 'compare', 'b_act', 'b_init', 'b_std', 'b_norm', 'b_optimizer', 'b_lr'],
};

for (const view of ['single', 'train'] as const) {
  test(`every key of the ${view} view's hash fuzzed: notes and defaults, no error, nothing injected`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
    for (const value of HOSTILE) {
      const p = new URLSearchParams(view === 'train' ? { view: 'train' } : {});
      for (const key of KEYS[view]) p.set(key, value);
      await page.goto('about:blank');
      await page.goto(`/demo/#${p.toString()}`);
      const notes = await page.locator('#notes div').allInnerTexts();
      expect(notes.length).toBeGreaterThan(0);
      for (const n of notes) expect(n).toMatch(/^"[a-z_]+" in the URL was .*, which is not allowed; using .*\.$/);
      expect(await page.locator('img, script:not([type=module])').count()).toBe(0);
      await expect(page.locator('body')).toHaveAttribute('data-state', 'idle');
      // The hash the page wrote back holds only values it accepts: reading it again gives no notes.
      const normalised = await page.evaluate(() => location.hash);
      await page.goto('about:blank');
      await page.goto(`/demo/${normalised}`);
      await expect(page.locator('#notes div')).toHaveCount(0);
    }
    expect(errors).toEqual([]);
  });
}

test('init=lsuv in the single pass: every layer\'s preactivation has std near 1', async ({ page }) => {
  await page.goto('/demo/#act=tanh&init=lsuv&width=256&layers=6&batch=16');
  await page.locator('#run').click();
  await waitDone(page);
  const std = await page.evaluate(() => window.initscope.lastResult!.forward.layers.map((l) => l.preactivation.std));
  expect(std).toHaveLength(6);
  // LSUV scales W_l until Var(Z_l) is 1 within its tolerance (0.1), on the same input the pass uses.
  for (const s of std) expect(Math.abs(s * s - 1)).toBeLessThan(0.1);
});

test('a change during the first of two fixed-range passes stops the old run before its second', async ({ page }) => {
  await page.goto('/demo/#act=tanh&init=xavier&width=1024&layers=6&batch=16&backward=1&compare=1&b_act=tanh&b_init=small&range=fixed');
  // Every status text, in order, as the page writes them, and the GPU submits counted.
  await page.evaluate(() => {
    const w = window as unknown as { statusSeen: string[]; submits: number };
    w.statusSeen = [];
    w.submits = 0;
    const status = document.getElementById('status')!;
    new MutationObserver(() => w.statusSeen.push(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with call(this, buffers)
    const submit = GPUQueue.prototype.submit;
    GPUQueue.prototype.submit = function (this: GPUQueue, buffers: Iterable<GPUCommandBuffer>) { w.submits++; return submit.call(this, buffers); };
  });
  await page.locator('#run').click();
  await expect(page.locator('#status')).toContainText('(1 of 2', { timeout: 300_000 });
  const submitsAtChange = await page.evaluate(() => (window as unknown as { submits: number }).submits);
  await page.locator('#controls select[name=range]').selectOption('auto');
  await waitDone(page, 300_000);
  const { seen, submits } = await page.evaluate(() => {
    const w = window as unknown as { statusSeen: string[]; submits: number };
    return { seen: w.statusSeen, submits: w.submits };
  });
  const changed = seen.findIndex((t) => t.includes('(1 of 2'));
  expect(changed).toBeGreaterThanOrEqual(0);
  expect(seen.slice(changed).filter((t) => t.includes('(2 of 2'))).toEqual([]);
  // After the change: at most the pass in flight, then the new run's two passes (A and B); the old
  // run's three remaining passes (B's first, both second ones) never reach the GPU.
  expect(submits - submitsAtChange).toBeLessThanOrEqual(3);
  expect(submits - submitsAtChange).toBeGreaterThanOrEqual(2);
  const r = await page.evaluate(() => window.initscope.lastResult!);
  // The shown result is the auto-range run's: A's tanh activations on a range of their own, not [-1, 1].
  expect(`${r.forward.layers[0].activation.histogram.lo},${r.forward.layers[0].activation.histogram.hi}`).not.toBe('-1,1');
});
