import { test as base, expect, type Page } from '@playwright/test';

/** A page with the harness loaded and WebGPU checked. */
export const test = base.extend<{ harness: Page }>({
  harness: async ({ page }, use) => {
    page.on('console', (msg) => { if (msg.type() === 'error') console.log(`[page] ${msg.text()}`); });
    await page.goto('/e2e/harness.html');
    await expect(page.locator('#status')).toHaveText('ready');
    const hasGPU = await page.evaluate(() => Boolean(navigator.gpu));
    expect(hasGPU, 'this browser exposes navigator.gpu (start Chromium with --enable-unsafe-webgpu)').toBe(true);
    await use(page);
  },
});

export { expect };

export const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'prelu', 'elu', 'selu', 'gelu', 'gelu_tanh', 'silu', 'maxout'] as const;
