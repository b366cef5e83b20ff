// Runs you can share: "Save run" writes one JSON file (settings, every step's loss and accuracy,
// the per-layer statistics of each window, the held-out curve, the test accuracies); opening it
// (the file input, or #run=URL of a hosted file) in a browser without WebGPU redraws the same
// plots (compared pixel by pixel), the same lastTraining, and saved again the same file. Broken
// files are refused by field.
import { readFile } from 'node:fs/promises';
import { Buffer } from 'node:buffer';
import { test, expect, type Page } from '@playwright/test';

const HASH = 'view=train&dataset=spiral&width=16&layers=3&batch=16&steps=60&lr=0.2&act=tanh&init=xavier&seed=3&compare=1&b_act=tanh&b_init=small&b_optimizer=sgd&b_lr=0.2&b_norm=none';
const PLOTS = ['#train-loss', '#train-accuracy', '#train-a-dist-activation', '#train-b-dist-weightGrad', '#train-a-ratio', '#train-b-dead'];

const noGpu = (page: Page) => page.addInitScript(() => { Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }); });
/** The fraction of pixels of two PNGs of one size that differ by more than 48 in a channel (1 if the sizes differ). */
async function differingPixels([a, b]: [string, string]): Promise<number> {
  const pixels = async (base64: string) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  };
  const [pa, pb] = await Promise.all([pixels(a), pixels(b)]);
  if (pa.width !== pb.width || pa.height !== pb.height) return 1;
  let differ = 0;
  for (let i = 0; i < pa.data.length; i += 4) {
    if ([0, 1, 2, 3].some((c) => Math.abs(pa.data[i + c] - pb.data[i + c]) > 48)) differ++;
  }
  return differ / (pa.width * pa.height);
}
const pictures = (page: Page) => Promise.all(PLOTS.map((p) => page.locator(p).screenshot()));

test('Save run, then open it without a GPU: the same plots and the same lastTraining; #run=URL too', async ({ page, browser }) => {
  test.setTimeout(5 * 60_000);
  await page.goto(`/demo/#${HASH}`);
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout: 180_000 });
  await expect(page.locator('body'), await page.locator('#status').innerText()).toHaveAttribute('data-state', 'done');
  const trained = await page.evaluate(() => window.initscope.lastTraining!);
  const testLine = await page.locator('#train-test').innerText();
  const before = await pictures(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#train-save-run').click()]);
  expect(download.suggestedFilename()).toBe('initscope-run-spiral-60-steps.json');
  const file = await readFile(await download.path());
  const json = JSON.parse(file.toString('utf8')) as { format: string; runs: Array<{ name: string; history: unknown[]; timeline: { steps: number[] } }>; adapter: string };
  expect(json.format).toBe('initscope-run');
  expect(json.runs.map((r) => r.name)).toEqual(['A: xavier + tanh, sgd 0.2', 'B: small + tanh, sgd 0.2']);
  expect(json.runs[1].history).toHaveLength(60);
  expect(json.runs[0].timeline.steps).toEqual(Array.from({ length: 20 }, (_, i) => 3 * (i + 1)));
  console.log(`run file: ${file.length} bytes for 2 runs x 60 steps, 20 windows of 4 layers`);

  for (const how of ['file input', '#run=URL'] as const) {
    const viewer = await browser.newPage();
    await noGpu(viewer);
    if (how === 'file input') {
      await viewer.goto('/demo/#view=train');
      await expect(viewer.locator('#no-webgpu')).toBeVisible();
      await viewer.locator('#train-open-run').setInputFiles({ name: 'shared.json', mimeType: 'application/json', buffer: file });
    } else {
      await viewer.route('**/runs/shared.json', (r) => r.fulfill({ body: file, contentType: 'application/json' }));
      await viewer.goto('/demo/#view=train&run=/runs/shared.json');
    }
    await expect(viewer.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    await expect(viewer.locator('#status')).toContainText(`60 steps trained on ${json.adapter}`);
    expect(await viewer.evaluate(() => window.initscope.lastTraining!), how).toEqual(trained);
    await expect(viewer.locator('#train-test')).toHaveText(testLine);
    await expect(viewer.locator('#train-controls select[name=b_init]')).toHaveValue('small');
    await expect(viewer.locator('#train-download'), 'a run file has no weights to download').toBeDisabled();
    // Saved again from the opened view: the same file (every plot's data), but for the time it was saved.
    const [again] = await Promise.all([viewer.waitForEvent('download'), viewer.locator('#train-save-run').click()]);
    const resaved = JSON.parse((await readFile(await again.path())).toString('utf8')) as typeof json & { saved: string };
    expect({ ...resaved, saved: undefined }, `${how}: saved again, the same data`).toEqual({ ...json, saved: undefined });
    const after = await pictures(viewer);
    for (const [i, png] of after.entries()) {
      // Drawn fresh rather than grown by setData, the bands' anti-aliasing differs by a shade here
      // and there (1% of the pixels seen); a plot missing its bands or lines differs in over 10%.
      const differing = await viewer.evaluate(differingPixels, [png.toString('base64'), before[i].toString('base64')] as [string, string]);
      expect(differing, `${how}: ${PLOTS[i]} redrawn the same`).toBeLessThan(0.03);
    }
    expect(await viewer.evaluate(() => window.initscope.trainingHost), 'no training host was started').toBeUndefined();
    await viewer.close();
  }
});

test('a broken run file is refused by field, with a note; the page keeps working', async ({ page }) => {
  await page.goto('/demo/#view=train');
  const open = async (name: string, body: unknown) => {
    await page.locator('#train-open-run').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) });
  };
  await open('notes.json', { hello: 1 });
  await expect(page.locator('#notes')).toContainText('notes.json was not opened: run file: format must be "initscope-run"');
  await open('cut.json', '{"format": "initscope-run", "vers');
  await expect(page.locator('#notes')).toContainText('cut.json was not opened: run file: (the file) is not JSON');
  const run = { format: 'initscope-run', version: 1, state: { dataset: 'spiral' }, done: 1, testCount: 1, accuracies: [0.5], testCurve: [],
    runs: [{ name: 'A', history: [{ step: 1, loss: 'x', accuracy: 0.5 }], timeline: { steps: [], layers: [] } }] };
  await open('bad-loss.json', run);
  await expect(page.locator('#notes')).toContainText('bad-loss.json was not opened: run file: runs[0].history[0].loss must be a number (or null), not "x"');
  await open('future.json', { ...run, version: 2 });
  await expect(page.locator('#notes')).toContainText('future.json was not opened: run file: version 2 is not supported');
  // The page goes on: a spiral run trains.
  await page.goto('/demo/#view=train&dataset=spiral&width=8&layers=1&batch=8&steps=5');
  await page.locator('#train-run').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
});
