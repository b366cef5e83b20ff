// The single pass with conv layers: the lecture's "new image" (activation maps of one example per
// conv layer) and the conv rule preset (Din = k^2 C keeps the spread flat, Din = C grows it 3x a layer).
import { test, expect, type Page } from '@playwright/test';

async function waitDone(page: Page, timeout = 180_000): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout });
  await expect(page.locator('body'), await page.locator('#status').innerText()).toHaveAttribute('data-state', 'done');
}

test('net=conv: 6 5x5 filters on 28x28 give a 28x28x6 new image, drawn as 6 maps per layer', async ({ page }, testInfo) => {
  await page.goto('/demo/#net=conv&width=6&layers=2&size=5&image=28&act=relu&init=kaiming&batch=4&backward=1');
  await page.locator('#run').click();
  await waitDone(page);
  const layers = await page.evaluate(() => window.initscope.lastResult!.forward.layers.map((l) => ({ type: l.type, shape: l.shape })));
  expect(layers).toEqual([{ type: 'conv', shape: [6, 28, 28] }, { type: 'conv', shape: [6, 28, 28] }]);
  await expect(page.locator('#maps figure')).toHaveCount(2);
  await expect(page.locator('#maps canvas')).toHaveCount(12);
  await expect(page.locator('#maps figcaption').first()).toHaveText('layer 1: 6 x 28 x 28');
  // A map is a picture of the example, not a blank: its pixels are not all one grey.
  const distinct = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('#maps canvas')!;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    return new Set(Array.from({ length: pixels.length / 4 }, (_, i) => pixels[4 * i])).size;
  });
  expect(distinct).toBeGreaterThan(20);
  await page.screenshot({ path: testInfo.outputPath('conv-maps.png'), fullPage: true });
});

test('the conv rule preset: Din = k^2 C keeps std of A flat over 8 layers; Din = C multiplies it by ~3 per layer', async ({ page }) => {
  await page.goto('/demo/#batch=4');
  await page.locator('#presets button', { hasText: 'conv rule' }).click();
  await waitDone(page);
  const { a, b, state } = await page.evaluate(() => ({
    a: window.initscope.lastResult!.forward.layers.map((l) => l.activation.std),
    b: window.initscope.lastResult!.compare!.forward.layers.map((l) => l.activation.std),
    state: window.initscope.state,
  }));
  expect(state.net).toBe('conv');
  expect(a).toHaveLength(8);
  for (const s of a) expect(s).toBeGreaterThan(0.3);
  for (const s of a) expect(s).toBeLessThan(3);
  const growth = (b[7] / b[0]) ** (1 / 7);
  expect(growth).toBeGreaterThan(2.5);
  expect(growth).toBeLessThan(3.5);
  await expect(page.locator('#hist-activation h3')).toHaveText([/^A: kaiming \(Din = k²C\) \+ relu/, /^B: kaiming \(Din = C\) \+ relu/]);
});
