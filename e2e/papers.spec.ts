// The reading-list view: a preset per paper with what to look for, and one reproduction (He et
// al.: ReLU halves the variance per layer at 1/sqrt(Din), kaiming keeps it) run on the page's GPU,
// its table equal to window.initscope.lastReproduction and its verdict shown.
import { test, expect } from '@playwright/test';

test('the reading list: every paper is a preset; he runs in the page and its table shows lastReproduction', async ({ page }, testInfo) => {
  await page.goto('/demo/#view=papers');
  await expect(page.locator('#papers-view')).toBeVisible();
  const names = await page.locator('#papers-presets button').allInnerTexts();
  expect(names).toEqual(['glorot', 'he', 'saxe', 'lsuv', 'random-walk', 'data-init', 'fixup', 'lottery']);
  await page.locator('#papers-presets button', { hasText: 'fixup' }).click();
  await expect(page.locator('#papers-look')).toContainText('Fixup');
  await expect(page.locator('#papers-sizes')).toContainText('blocks 16');
  await page.locator('#papers-presets button', { hasText: /^he$/ }).click();
  await page.locator('#papers-run').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout: 180_000 });
  await expect(page.locator('body'), await page.locator('#status').innerText()).toHaveAttribute('data-state', 'done');
  const { rows, result } = await page.evaluate(() => ({
    rows: Array.from(document.querySelectorAll('#papers-result tbody tr')).map((tr) => Array.from(tr.children).map((td) => td.textContent)),
    result: window.initscope.lastReproduction!,
  }));
  expect(result.name).toBe('he');
  expect(result.holds).toBe(true);
  expect(rows).toEqual(result.tables[0].rows.map((r) => r.map(String)));
  expect(rows).toHaveLength(10);
  await expect(page.locator('#papers-result .holds')).toContainText('Holds');
  await page.screenshot({ path: testInfo.outputPath('papers-he.png'), fullPage: true });
});
