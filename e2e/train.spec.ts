// The training view through the URL contract (design.md section 8): MNIST at width 128, Xavier +
// tanh learns (>= 0.8 test accuracy after 300 steps; PyTorch 0.91), small random weights do not
// (<= 0.2); lastTraining matches what the page shows; hostile hash values become notes.
import { test, expect, type Page } from '@playwright/test';

const MNIST = 'view=train&dataset=mnist&act=tanh&width=128&layers=6&batch=64&lr=0.1&optimizer=sgd&norm=none&seed=0&steps=300';

async function trained(page: Page, hash: string) {
  await page.goto(`/demo/#${hash}`);
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout: 8 * 60_000 });
  await expect(page.locator('body'), await page.locator('#status').innerText()).toHaveAttribute('data-state', 'done');
  return page.evaluate(() => window.initscope.lastTraining!);
}

test('Xavier + tanh learns MNIST in the training view; lastTraining is what the page shows', async ({ page }, testInfo) => {
  test.setTimeout(10 * 60_000);
  const t = await trained(page, `${MNIST}&init=xavier`);
  console.log(`xavier + tanh, 300 steps: test accuracy ${t.testAccuracy}`);
  expect(t.steps).toBe(300);
  expect(t.history).toHaveLength(300);
  expect(t.history[299].loss).toBeLessThan(t.history[0].loss);
  expect(t.testAccuracy).toBeGreaterThanOrEqual(0.8);
  await expect(page.locator('#train-test')).toContainText(`${(100 * t.testAccuracy).toFixed(1)}%`);
  await expect(page.locator('#train-loss canvas')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('train-xavier-tanh.png'), fullPage: true });
});

test('small random weights + tanh do not learn (test accuracy <= 0.2)', async ({ page }, testInfo) => {
  test.setTimeout(10 * 60_000);
  const t = await trained(page, `${MNIST}&init=small`);
  console.log(`small + tanh, 300 steps: test accuracy ${t.testAccuracy}`);
  expect(t.testAccuracy).toBeLessThanOrEqual(0.2);
  await page.screenshot({ path: testInfo.outputPath('train-small-tanh.png'), fullPage: true });
});

test('hostile values in the training hash become notes and defaults; nothing is injected', async ({ page }) => {
  const hostile = 'view=train&dataset=spiral&steps=20&width=16&layers=2&batch=16&lr=%3Cscript%3Ealert(1)%3C%2Fscript%3E&act=%3Cimg%20src%3Dx%3E&seed=-1&norm=1e308';
  await page.goto(`/demo/#${hostile}`);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  const notes = await page.locator('#notes div').allInnerTexts();
  expect(notes).toHaveLength(4);
  expect(await page.locator('#notes img, #notes script').count()).toBe(0);
  const t = await page.evaluate(() => window.initscope.lastTraining!);
  expect(t.steps).toBe(20);
  expect(page.url()).toContain('lr=0.1');
});

test('the root page forwards its hash to the demo', async ({ page }) => {
  await page.goto('/#view=train&dataset=spiral&steps=5&width=8&layers=1&batch=8');
  await expect(page).toHaveURL(/\/demo\/#view=train/);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  expect((await page.evaluate(() => window.initscope.lastTraining!)).steps).toBe(5);
});
