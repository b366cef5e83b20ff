// The training view's Find learning rate (demo/lrFinder.ts): the range test runs in the training
// host on a fresh net of A's settings, the page plots the loss against the rate and states the
// suggestion, and "Use" makes it A's learning rate (in the form and the URL).
import { test, expect } from '@playwright/test';

test('Find learning rate: a geometric sweep from 1e-5, its plot and suggestion; "Use" sets A\'s rate', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/demo/#view=train&dataset=mnist&act=relu&init=kaiming&width=64&layers=2&batch=64&optimizer=sgd&lr=0.1');
  await page.locator('#train-lrfind').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout: 180_000 });
  await expect(page.locator('body'), await page.locator('#status').innerText()).toHaveAttribute('data-state', 'done');
  const r = await page.evaluate(() => window.initscope.lastLrFind!);
  console.log(`lr find: ${r.lrs.length} steps, suggestion ${r.suggestion}, blow-up ${r.blowUp}`);
  expect(r.lrs[0]).toBeCloseTo(1e-5, 12);
  const ratio = (10 / 1e-5) ** (1 / 99);
  r.lrs.slice(1).forEach((lr, i) => expect(lr / r.lrs[i]).toBeCloseTo(ratio, 4));
  expect(r.lrs.length).toBeLessThanOrEqual(100);
  expect(r.suggestion).toBeGreaterThan(r.lrs[0]);
  expect(r.suggestion).toBeLessThan(r.blowUp ?? 10);
  await expect(page.locator('#train-lrfind-plot canvas')).toHaveCount(1);
  await expect(page.locator('#train-lrfind-result')).toContainText(`Suggested learning rate ${Number(r.suggestion.toPrecision(2))}`);
  if (process.env.UPDATE_DOCS === '1') await page.locator('#train-lrfind-box').screenshot({ path: 'docs/demo-lrfind.png' });
  await page.locator('#train-lrfind-use').click();
  const lr = String(Number(r.suggestion.toPrecision(2)));
  await expect(page.locator('#train-a input[name=lr]')).toHaveValue(lr);
  expect(page.url()).toContain(`lr=${lr}`);
  expect(errors).toEqual([]);
});
