// Your own data in the training view: a CSV file chosen with the file input shows its shape and
// class counts and trains (two separable blobs: test accuracy 1); a broken file gets a note naming
// its row, and the page keeps the file it had and goes on; a file with fewer rows than a batch is
// refused when Train starts, with the counts.
import { test, expect } from '@playwright/test';

const blobs = ['u,v,side', ...Array.from({ length: 80 }, (_, i) => `${(i % 2 ? 1 : -1) * (2 + (i % 7) / 7)},${(i % 5) / 5},${i % 2 ? 'right' : 'left'}`)].join('\n');

test('a CSV file of your own: shape and class counts shown, it trains; a broken file is refused by row and the page goes on', async ({ page }) => {
  await page.goto('/demo/#view=train&dataset=spiral&width=16&layers=2&batch=16&steps=60&lr=0.2&act=tanh&init=xavier');
  await page.locator('#train-csv').setInputFiles({ name: 'blobs.csv', mimeType: 'text/csv', buffer: Buffer.from(blobs) });
  await expect(page.locator('#train-csv-info')).toHaveText('blobs.csv: 64 training and 16 test rows, 2 features; classes left (40), right (40)');
  await expect(page.locator('select[name=dataset]')).toHaveValue('csv');
  await page.locator('#train-csv').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('u,v,side\n1,2,left\n3,right') });
  await expect(page.locator('#train-csv-info')).toHaveText(/bad\.csv: fromCSV: row 3 has 2 cells, the header 3/);
  await expect(page.locator('#notes')).toContainText('bad.csv was not loaded');
  await page.locator('#train-run').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout: 120_000 });
  await expect(page.locator('body'), await page.locator('#status').innerText()).toHaveAttribute('data-state', 'done');
  const t = await page.evaluate(() => window.initscope.lastTraining!);
  expect(t.steps).toBe(60);
  expect(t.testAccuracy).toBe(1);
  // Too few rows for a batch (6 rows, batch 16): Train says so, and the page goes on.
  const tiny = ['u,v,side', ...Array.from({ length: 6 }, (_, i) => `${i},${i % 3},${i % 2 ? 'right' : 'left'}`)].join('\n');
  await page.locator('#train-csv').setInputFiles({ name: 'tiny.csv', mimeType: 'text/csv', buffer: Buffer.from(tiny) });
  await expect(page.locator('#train-csv-info')).toHaveText('tiny.csv: 6 training and 0 test rows, 2 features; classes left (3), right (3)');
  await page.locator('#train-run').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
  await expect(page.locator('#status')).toContainText('at least one batch of rows (batch = 16), got 6 rows');
});
