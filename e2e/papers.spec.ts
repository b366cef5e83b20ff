// The reading-list view: a preset per paper with what to look for, a documented negative result
// said before Run, and one reproduction (Glorot & Bengio at the page's width 1024: small weights
// collapse, 3.2/sqrt(Din) saturates, xavier keeps the std) run on the page's GPU, its table equal
// to window.initscope.lastReproduction and its verdict "Holds". Every preset's verdict at the
// page's sizes is checked in Node (npm run papers, test/node/reproduce.test.mjs).
import { test, expect } from '@playwright/test';

test('the reading list: every paper is a preset; glorot runs in the page, holds, and its table shows lastReproduction', async ({ page }, testInfo) => {
  await page.goto('/demo/#view=papers');
  await expect(page.locator('#papers-view')).toBeVisible();
  const names = await page.locator('#papers-presets button').allInnerTexts();
  expect(names).toEqual(['glorot', 'he', 'saxe', 'lsuv', 'random-walk', 'data-init', 'fixup', 'lottery', 'simonyan', 'goodfellow', 'smith', 'bergstra']);
  await page.locator('#papers-presets button', { hasText: 'fixup' }).click();
  await expect(page.locator('#papers-look')).toContainText('Fixup');
  await expect(page.locator('#papers-sizes')).toContainText('blocks 16');
  await expect(page.locator('#papers-negative')).toBeHidden();
  await page.locator('#papers-presets button', { hasText: 'data-init' }).click();
  await expect(page.locator('#papers-negative')).toContainText('A documented negative result');
  await page.locator('#papers-presets button', { hasText: 'glorot' }).click();
  await expect(page.locator('#papers-sizes')).toContainText('width 1024');
  await page.locator('#papers-run').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout: 180_000 });
  await expect(page.locator('body'), await page.locator('#status').innerText()).toHaveAttribute('data-state', 'done');
  const { rows, result } = await page.evaluate(() => ({
    rows: Array.from(document.querySelectorAll('#papers-result tbody tr')).map((tr) => Array.from(tr.children).map((td) => td.textContent)),
    result: window.initscope.lastReproduction!,
  }));
  expect(result.name).toBe('glorot');
  expect(result.holds).toBe(true);
  expect(rows).toEqual(result.tables[0].rows.map((r) => r.map(String)));
  expect(rows).toHaveLength(6);
  await expect(page.locator('#papers-result .holds')).toContainText('Holds');
  await page.screenshot({ path: testInfo.outputPath('papers-glorot.png'), fullPage: true });
});
