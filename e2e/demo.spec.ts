// The demo page as a user meets it: presets, numbers shown equal to lastResult, URL state,
// hostile hashes, the page without WebGPU, and screenshots.
import { test, expect, type Page } from '@playwright/test';

const SMALL = 'width=96&layers=4&batch=16&seed=0&backward=1';

async function waitDone(page: Page, timeout = 120_000): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout });
  await expect(page.locator('body'), await page.locator('#status').innerText()).toHaveAttribute('data-state', 'done');
}

test('every preset runs, and the table shows the numbers of lastResult', async ({ page }, testInfo) => {
  await page.goto(`/demo/#${SMALL}`);
  const all = await page.locator('#presets button').allInnerTexts();
  expect(all).toHaveLength(13);
  // The two conv presets set their own sizes (e2e/conv.spec.ts checks them); the MLP ones keep the form's.
  const presets = all.filter((name) => !name.startsWith('conv'));
  expect(presets).toHaveLength(11);
  for (const name of presets) {
    await page.locator('#presets button', { hasText: name }).click();
    await waitDone(page);
    const { table, result, state } = await page.evaluate(() => ({
      table: Array.from(document.querySelectorAll('#fractions tr')).slice(1).map((tr) => Array.from(tr.children).map((td) => td.textContent)),
      result: window.initscope.lastResult!,
      state: window.initscope.state,
    }));
    expect(state.width).toBe(96);
    expect(table).toHaveLength(4);
    table.forEach((row, l) => {
      const a = result.forward.layers[l].activation;
      expect(row[2]).toBe(a.std.toPrecision(4));
      expect(row[3]).toBe(`${(100 * a.saturatedFraction).toFixed(1)}%`);
      expect(row[6]).toBe(result.backward!.layers[l].weightGrad.std.toPrecision(4));
    });
    await expect(page.locator('#hist-activation figure')).toHaveCount(state.compare ? 8 : 4);
    await page.screenshot({ path: testInfo.outputPath(`preset-${name.replace(/\W+/g, '-')}.png`), fullPage: true });
  }
});

test('opened with no settings, the page runs the lecture\'s first case (xavier + tanh) without a click: per-layer plots within 90 s', async ({ page }, testInfo) => {
  await page.goto('/demo/');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'running', { timeout: 10_000 });
  await waitDone(page, 90_000);
  const { result, state, cpu } = await page.evaluate(() => ({ result: window.initscope.lastResult!, state: window.initscope.state,
    cpu: window.initscope.engine!.kernelTarget === 'cpu' }));
  expect([state.act, state.init, state.layers, state.batch]).toEqual(['tanh', 'xavier', 6, 16]);
  // On a CPU adapter (SwiftShader here) the page opens at width 1024 and says so.
  expect(state.width).toBe(cpu ? 1024 : 4096);
  if (cpu) await expect(page.locator('#notes')).toContainText('instead of the lecture\'s 4096');
  expect(result.forward.layers).toHaveLength(6);
  expect(result.backward!.layers).toHaveLength(6);
  // The lecture's reference for xavier + tanh, layer 6: std 0.292 (design.md section 3).
  expect(Math.abs(result.forward.layers[5].activation.std - 0.292)).toBeLessThan(0.05 * 0.292);
  await expect(page.locator('#hist-activation figure')).toHaveCount(6);
  await expect(page.locator('#adapter')).toContainText('Adapter:');
  await page.screenshot({ path: testInfo.outputPath('opens-on-lecture.png'), fullPage: true });
  if (process.env.UPDATE_DOCS === '1') await page.screenshot({ path: 'docs/demo-opens.png', fullPage: true });
});

test('URL state round-trips; hostile values are refused with a note and never become HTML', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
  await page.goto('/demo/#act=relu&init=kaiming&norm=none&width=64&layers=3&batch=8&seed=7&bias=zeros&range=fixed&counts=linear&grad=ones&backward=0');
  await expect(page.locator('#controls select[name=act]')).toHaveValue('relu');
  await expect(page.locator('#controls input[name=width]')).toHaveValue('64');
  expect(await page.evaluate(() => location.hash)).toBe('#act=relu&init=kaiming&norm=none&width=64&layers=3&batch=8&seed=7&bias=zeros&range=fixed&counts=linear&grad=ones&backward=0');
  await page.locator('#controls input[name=batch]').fill('4');
  await page.locator('#controls input[name=batch]').dispatchEvent('change');
  expect(await page.evaluate(() => location.hash)).toContain('batch=4');

  await page.goto('/demo/#act=elu&elu_alpha=0.5&width=64&layers=2&batch=4&backward=0');
  await expect(page.locator('#controls input[name=elu_alpha]')).toHaveValue('0.5');
  await expect(page.locator('#controls input[name=elu_alpha]')).toBeVisible();
  await expect(page.locator('#controls input[name=prelu_alpha]')).toBeHidden();
  expect(await page.evaluate(() => location.hash)).toContain('elu_alpha=0.5');

  const hostile = '#act=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&width=99999999999&layers=-3&batch=0&seed=abc&init=%3Cscript%3Ealert(2)%3C%2Fscript%3E&bogus=1';
  await page.goto('about:blank');
  await page.goto(`/demo/${hostile}`);
  const notes = await page.locator('#notes div').allInnerTexts();
  expect(notes.length).toBe(6);
  expect(notes.join('\n')).toContain('"act" in the URL was "<img src=x onerror=alert(1)>"');
  expect(await page.locator('#notes img, #notes script').count()).toBe(0);
  await expect(page.locator('#controls select[name=act]')).toHaveValue('tanh');
  await expect(page.locator('#controls input[name=width]')).toHaveValue('4096');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'idle');
  expect(errors).toEqual([]);
});

test('without WebGPU the page says what is missing and how to enable it', async ({ page }) => {
  await page.addInitScript(() => { Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }); });
  await page.goto('/demo/');
  await expect(page.locator('#no-webgpu')).toBeVisible();
  await expect(page.locator('#no-webgpu')).toContainText('--enable-unsafe-webgpu');
  await expect(page.locator('#app')).toBeHidden();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'error');
});
