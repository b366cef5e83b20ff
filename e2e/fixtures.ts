import { test as base, expect, type Page } from '@playwright/test';

/** One page with the harness loaded and WebGPU checked, shared by every harness test of a worker:
 *  the tests only read from it (each makes and destroys its own nets), and its engines keep their
 *  compiled pipelines between tests, which on a CPU adapter is most of a small test's time. */
export const test = base.extend<object, { harness: Page }>({
  harness: [async ({ browser }, use, workerInfo) => {
    const page = await browser.newPage({ baseURL: workerInfo.project.use.baseURL });
    page.on('console', (msg) => { if (msg.type() === 'error') console.log(`[page] ${msg.text()}`); });
    await page.goto('/e2e/harness.html');
    await expect(page.locator('#status')).toHaveText('ready');
    const hasGPU = await page.evaluate(() => Boolean(navigator.gpu));
    expect(hasGPU, 'this browser exposes navigator.gpu (start Chromium with --enable-unsafe-webgpu)').toBe(true);
    await use(page);
    await page.close();
  }, { scope: 'worker' }],
});

export { expect };

export const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'prelu', 'elu', 'selu', 'gelu', 'gelu_tanh', 'silu', 'maxout'] as const;

/** The kernel sets a per-activation test runs: the CPU-adapter set on every activation, the GPU set
 *  on those whose code paths differ in it (the identity, a smooth and a kinked function, PReLU's
 *  alpha, a tail approximation, maxout's pieces). The activation's f and f' are one WGSL file
 *  (activations.wgsl) shared by both sets; on a CPU adapter each activation costs the GPU set
 *  seconds of pipeline compiling, most of these tests' time. */
export function kernelSets(activation: typeof ACTIVATIONS[number]): Array<'gpu' | 'cpu'> {
  return ['linear', 'tanh', 'relu', 'prelu', 'gelu', 'maxout'].includes(activation) ? ['gpu', 'cpu'] : ['cpu'];
}
