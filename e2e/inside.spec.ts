// The Inside the net view (demo/inside.ts): a net trained on the page, its test accuracy and its
// accuracy under FGSM (above the plain net's when trained adversarially), a test
// digit with its saliency map and its FGSM and PGD versions (what the net reads in each), the class
// models and their scores per step, the first layer's weights, the test digits that most activate
// a unit; and the refusal when the training view has no net to hand over.
import { test, expect } from '@playwright/test';

test('Inside the net: train here, a digit\'s saliency map and adversarial versions, class models, weights, top digits; an adversarially trained net holds', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/demo/#view=inside');
  await expect(page.locator('#inside-view')).toBeVisible();
  const settle = async () => {
    await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout: 180_000 });
    return page.locator('#status').innerText();
  };

  await page.locator('#inside-from-training').click();
  expect(await settle()).toContain('the training view has no trained net yet');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'error');

  await page.locator('#inside-steps').fill('60');
  await page.locator('#inside-train').click();
  const trained = await settle();
  await expect(page.locator('body'), trained).toHaveAttribute('data-state', 'done');
  const first = await page.evaluate(() => window.initscope.lastInside!);
  console.log(`inside: ${first.net}, test accuracy ${first.testAccuracy}`);
  expect(first.testAccuracy).toBeGreaterThan(0.75);
  await expect(page.locator('#inside-net')).toContainText('test accuracy');
  await expect(page.locator('#inside-weights canvas')).toHaveCount(32);
  // The digit, its saliency map over it, FGSM, FGSM's change, PGD.
  await expect(page.locator('#inside-digit-row canvas')).toHaveCount(5);
  expect(first.digit).toMatchObject({ index: 0, eps: 0.1 });

  // At eps 0.3 ten PGD steps fool an undefended MLP on nearly every digit (the goodfellow table).
  await page.locator('#inside-digit').fill('1500');
  await page.locator('#inside-eps').fill('0.3');
  await page.locator('#inside-eps').dispatchEvent('change');
  await expect.poll(() => page.evaluate(() => window.initscope.lastInside?.digit?.eps)).toBe(0.3);
  await settle();
  const digit = (await page.evaluate(() => window.initscope.lastInside!.digit))!;
  console.log(`inside: digit ${digit.index} (a ${digit.label}) read as ${digit.prediction}; FGSM ${digit.fgsmPrediction}, PGD ${digit.pgdPrediction} at eps 0.3`);
  expect(digit.index).toBe(1500);
  expect(digit.pgdPrediction).not.toBe(digit.label);
  await expect(page.locator('#inside-digit-row figcaption').nth(4)).toContainText(`read as ${digit.pgdPrediction}`);

  await page.locator('#inside-class-models').click();
  expect(await settle()).toMatch(/class models: \d+ of 10 read as their class after 30 steps/);
  const models = (await page.evaluate(() => window.initscope.lastInside!.classModels))!;
  models.last.forEach((s, c) => expect(s, `class ${c}'s score climbs`).toBeGreaterThan(models.first[c]));
  await expect(page.locator('#inside-class-images canvas')).toHaveCount(10);
  await expect(page.locator('#inside-class-scores canvas')).toHaveCount(1);

  await page.locator('#inside-layer').selectOption('1');
  await page.locator('#inside-unit').fill('5');
  await page.locator('#inside-top').click();
  expect(await settle()).toContain('layer 1 (dense), unit 5 of 128');
  const top = (await page.evaluate(() => window.initscope.lastInside!.topDigits))!;
  expect(top.values).toHaveLength(8);
  top.values.slice(1).forEach((v, i) => expect(v).toBeLessThanOrEqual(top.values[i]));
  await expect(page.locator('#inside-top-digits canvas')).toHaveCount(8);
  if (process.env.UPDATE_DOCS === '1') await page.locator('#inside-view').screenshot({ path: 'docs/demo-inside.png' });

  // The same net trained adversarially (half of each batch FGSM at eps 0.1) holds better under it.
  await page.locator('#inside-robust').check();
  await page.locator('#inside-train').click();
  const robust = await settle();
  await expect(page.locator('body'), robust).toHaveAttribute('data-state', 'done');
  const second = await page.evaluate(() => window.initscope.lastInside!);
  console.log(`inside: under FGSM at eps 0.1, plain ${first.fgsmAccuracy}, adversarially trained ${second.fgsmAccuracy} (clean ${second.testAccuracy})`);
  expect(second.net).toContain('adversarially');
  expect(second.fgsmAccuracy).toBeGreaterThan(first.fgsmAccuracy + 0.1);
  await expect(page.locator('#inside-net')).toContainText('under FGSM at eps 0.1');
  expect(errors).toEqual([]);
});
