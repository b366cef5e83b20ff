// Your own images: initscope/data's fromImages on images drawn in the page (grey and RGB values
// against the ITU-R 601 formula, resizing, the split, refusals by file), and the training view's
// folder input: a folder of two classes (vertical and horizontal bars) shows its shape and class
// counts and trains; a folder with a broken image gets a note naming the file, and the page goes on.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import { test, expect, type Page } from '@playwright/test';

/** PNGs drawn in the page: per class, `count` bars (vertical or horizontal) at varied places and canvas sizes. */
function drawBars(page: Page, count: number): Promise<Record<string, string>> {
  return page.evaluate(async (n) => {
    const files: Record<string, string> = {};
    for (const cls of ['horizontal', 'vertical']) {
      for (let i = 0; i < n; i++) {
        const [w, h] = i % 2 ? [40, 40] : [30, 20];
        const canvas = new OffscreenCanvas(w, h);
        const ctx = canvas.getContext('2d')!;
        ctx.fillStyle = '#000';
        ctx.fillRect(0, 0, w, h);
        ctx.fillStyle = '#fff';
        const at = 0.2 + 0.6 * ((i * 7) % 10) / 10;
        if (cls === 'vertical') ctx.fillRect(at * w, 0, w / 5, h); else ctx.fillRect(0, at * h, w, h / 5);
        const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
        files[`${cls}/${String(i).padStart(3, '0')}.png`] = btoa(String.fromCharCode(...bytes));
      }
    }
    return files;
  }, count);
}

async function folder(files: Record<string, string | Buffer>): Promise<string> {
  const root = join(await mkdtemp(join(tmpdir(), 'initscope-images-')), 'bars');
  for (const [path, body] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), typeof body === 'string' ? Buffer.from(body, 'base64') : body);
  }
  return root;
}

test('fromImages: grey and RGB values, resizing, the per-class split, refusals by file', async ({ page }) => {
  await page.goto('/demo/#view=train');
  const r = await page.evaluate(async (module) => {
    // The page's dev server serves the sources: initscope/data as the demo imports it.
    const { fromImages } = await import(module) as typeof import('../src/data/index');
    // A 3 x 2 image of known colours, read at its own size: every pixel is exact.
    const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 100, 50], [10, 20, 30], [255, 255, 255]];
    const png = async (pixels: number[][], w: number, h: number) => {
      const canvas = new OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d')!;
      const data = ctx.createImageData(w, h);
      pixels.forEach((p, i) => data.data.set([...p, 255], 4 * i));
      ctx.putImageData(data, 0, 0);
      return canvas.convertToBlob({ type: 'image/png' });
    };
    const files: Array<{ path: string; data: Blob }> = [];
    for (const cls of ['b', 'a']) for (let i = 0; i < 5; i++) files.push({ path: `root/${cls}/${i}.png`, data: await png(colours, 3, 2) });
    files.push({ path: 'root/a/.DS_Store', data: new Blob(['x']) }, { path: 'root/notes.txt', data: new Blob(['x']) });
    const refusal = async (f: () => Promise<unknown>) => f().then(() => 'accepted', (e: { message: string; code: string; field?: string }) => ({ message: e.message, code: e.code, field: e.field }));
    const grey = await fromImages(files, { size: 3 }).catch(() => undefined);
    const at3 = await fromImages([{ path: 'a/x.png', data: await png(colours, 3, 2) }, { path: 'b/y.png', data: await png(colours, 3, 2) }], { size: 2, channels: 3 }).catch(() => undefined);
    const exact = await fromImages([{ path: 'a/x.png', data: await png(colours.slice(0, 4), 2, 2) }, { path: 'b/y.png', data: await png(colours.slice(0, 4), 2, 2) }], { size: 2, channels: 3, testFraction: 0 });
    const greyExact = await fromImages([{ path: 'a/x.png', data: await png(colours.slice(0, 4), 2, 2) }, { path: 'b/y.png', data: await png(colours.slice(0, 4), 2, 2) }], { size: 2, testFraction: 0 });
    return {
      grey: grey && { classNames: grey.classNames, counts: grey.counts, train: grey.train.labels.length, test: grey.test.labels.length, features: grey.features, skipped: grey.skipped },
      rgbFeatures: at3?.features,
      exact: Array.from(exact.train.x.subarray(0, 12)),
      greyExact: Array.from(greyExact.train.x.subarray(0, 4)),
      broken: await refusal(() => fromImages([{ path: 'a/ok.png', data: files[0].data }, { path: 'b/broken.png', data: new Blob(['not a png'], { type: 'image/png' }) }])),
      oneClass: await refusal(() => fromImages(files.filter((f) => f.path.includes('/a/')))),
      loose: await refusal(() => fromImages([{ path: 'loose.png', data: files[0].data }])),
      size: await refusal(() => fromImages(files, { size: 0 })),
    };
  }, '/src/data/index.ts');
  expect(r.grey).toEqual({ classNames: ['a', 'b'], counts: [5, 5], train: 8, test: 2, features: 9, skipped: ['root/a/.DS_Store', 'root/notes.txt'] });
  expect(r.rgbFeatures).toBe(12);
  // RGB planes (channels x H x W) of the 2 x 2 image, then grey by ITU-R 601, within a shade (1/255).
  const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 100, 50]];
  const planes = [0, 1, 2].flatMap((c) => colours.map((p) => p[c] / 255));
  r.exact.forEach((v, i) => expect(Math.abs(v - planes[i]), `RGB value ${i}`).toBeLessThanOrEqual(1 / 255));
  colours.forEach((p, i) => expect(Math.abs(r.greyExact[i] - (0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]) / 255), `grey value ${i}`).toBeLessThanOrEqual(1 / 255));
  expect(r.broken).toMatchObject({ code: 'invalid-option', field: 'b/broken.png', message: expect.stringContaining('fromImages: b/broken.png could not be decoded') });
  expect(r.oneClass).toMatchObject({ code: 'invalid-option', message: 'fromImages: found 1 class folder (a) with images; a classifier needs at least 2' });
  expect(r.loose).toMatchObject({ code: 'invalid-option', field: 'loose.png', message: expect.stringContaining('is not in a folder') });
  expect(r.size).toMatchObject({ code: 'invalid-option', field: 'size' });
});

test('an image folder of your own: shape and class counts shown, it trains; a broken image is refused by file and the page goes on', async ({ page }) => {
  await page.goto('/demo/#view=train&dataset=spiral&width=32&layers=2&batch=16&steps=80&lr=0.1&act=relu&init=kaiming');
  const bars = await drawBars(page, 30);
  const input = page.locator('#train-images');
  await input.setInputFiles(await folder({ ...bars, 'vertical/broken.png': Buffer.from('not a png') }));
  await expect(page.locator('#train-images-info')).toContainText('bars: fromImages: bars/vertical/broken.png could not be decoded');
  await expect(page.locator('#notes')).toContainText('bars was not loaded');
  await input.setInputFiles(await folder({ ...bars, '.DS_Store': Buffer.from('x') }));
  await expect(page.locator('#train-images-info')).toHaveText('bars: 48 training and 12 test images, 28 x 28 grey; classes horizontal (30), vertical (30); 1 other file passed over');
  await expect(page.locator('select[name=dataset]')).toHaveValue('images');
  await page.locator('#train-run').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout: 120_000 });
  await expect(page.locator('body'), await page.locator('#status').innerText()).toHaveAttribute('data-state', 'done');
  const t = await page.evaluate(() => window.initscope.lastTraining!);
  expect(t.steps).toBe(80);
  console.log(`bars: test accuracy ${t.testAccuracy} after 80 steps`);
  expect(t.testAccuracy).toBeGreaterThanOrEqual(0.9);
});
