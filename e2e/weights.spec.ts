// "Load weights" in the single-pass view: a net trained in the training view and downloaded runs
// beside the same net at its initialisation, on MNIST test digits; B is exactly the net the
// training started from (its layer statistics equal the untrained single pass's); a file that is
// not a checkpoint gets a note and the page goes on; "Back to the form's nets" returns to the form.
import { readFile } from 'node:fs/promises';
import { test, expect } from '@playwright/test';

test('a trained net loaded into the single pass, beside its initialisation; a broken file refused; back to the form', async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await page.goto('/demo/#view=train&dataset=mnist&act=tanh&init=xavier&width=32&layers=3&batch=32&lr=0.1&seed=2&steps=150');
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout: 180_000 });
  await expect(page.locator('body'), await page.locator('#status').innerText()).toHaveAttribute('data-state', 'done');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#train-download').click()]);
  const bytes = await readFile(await download.path());

  await page.goto('/demo/#act=tanh&init=xavier&width=32&layers=3&batch=32&seed=2&backward=1');
  await page.locator('#single-load').setInputFiles({ name: 'mine.safetensors', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(page.locator('#single-load-info')).toHaveText('mine.safetensors: input 784, dense 32, dense 32, dense 32, dense 10; tanh, init xavier, seed 2, batch 32. ' +
    'Run shows it (A) beside the same net at its initialisation (B), on the first 32 MNIST test digits.', { timeout: 60_000 });
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.locator('#fractions-a-title')).toHaveText('A: trained (mine.safetensors)');
  await expect(page.locator('#fractions-b-title')).toHaveText('B: the same net at its initialisation');
  const loaded = await page.evaluate(() => window.initscope.lastResult!);
  expect(loaded.forward.layers).toHaveLength(4);
  expect(loaded.compare!.backward!.layers).toHaveLength(4);
  const std = (r: typeof loaded.forward) => r.layers.map((l) => l.activation.std);
  const [trained, initial] = [std(loaded.forward), std(loaded.compare!.forward)];
  console.log(`std of A per layer, trained 150 steps: ${trained.map((v) => v.toFixed(3)).join(', ')}; at initialisation: ${initial.map((v) => v.toFixed(3)).join(', ')}`);
  // Training on MNIST spreads the output logits (cross-entropy pushes them apart).
  expect(trained[3]).toBeGreaterThan(1.5 * initial[3]);
  if (process.env.UPDATE_DOCS === '1') await page.locator('#app').screenshot({ path: 'docs/demo-trained-vs-init.png' });

  // B is the initialisation: the same digits through a net made from the form's settings (the
  // same seed) by the page's engine give B's statistics exactly.
  const fromForm = await page.evaluate(async () => {
    const e = window.initscope.engine!;
    const { mnist, standardize } = await import(['/src', 'data', 'index.ts'].join('/')) as typeof import('../src/data/index');
    const net = e.createMLP({ dims: [784, 32, 32, 32, 10], batch: 32, activation: 'tanh', output: 'linear', init: 'xavier', bias: true, seed: 2 });
    await net.setInput(standardize(await mnist()).test.x.slice(0, 32 * 784));
    const r = await net.forward();
    net.destroy();
    return r.layers.map((l) => l.activation.std);
  });
  expect(fromForm).toEqual(initial);

  await page.locator('#single-load').setInputFiles({ name: 'junk.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a checkpoint at all') });
  await expect(page.locator('#notes')).toContainText('junk.safetensors was not loaded: ');
  await expect(page.locator('#single-load-info')).toHaveClass('error');
  await page.locator('#single-unload').click();
  // The titles are drawn with lastResult: once B's is gone, the form's run has drawn.
  await expect(page.locator('#fractions-b-title')).toHaveText('', { timeout: 60_000 });
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done');
  const back = await page.evaluate(() => window.initscope.lastResult!);
  expect(back.compare).toBeUndefined();
  expect(back.forward.layers, 'the form\'s net: 3 layers of 32').toHaveLength(3);
  await expect(page.locator('#single-unload')).toBeHidden();
});
