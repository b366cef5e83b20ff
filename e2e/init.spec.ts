// GPU initialisation (Philox4x32-10) against design.md's definitions and the float64 reference.
import { expect, test } from './fixtures';

test('Philox4x32-10 reference reproduces the Random123 known-answer vectors', async ({ harness }) => {
  const got = await harness.evaluate(() => {
    const { philox4x32_10 } = window.harness.reference;
    const hex = (v: number[]) => v.map((x) => x.toString(16).padStart(8, '0')).join(' ');
    return [
      hex(philox4x32_10([0, 0, 0, 0], [0, 0])),
      hex(philox4x32_10([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])),
      hex(philox4x32_10([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    ];
  });
  // Random123's kat_vectors for philox4x32_10.
  expect(got).toEqual([
    '6627e8d5 e169c58d bc57ac4c 9b00dbd8',
    '408f276d 41c83b0e a20bc7c6 6d5451fd',
    'd16cfe09 94fdcceb 5001e420 24126ea1',
  ]);
});

test('every initialisation has the mean and std of its definition, within sampling error', async ({ harness }) => {
  const report = await harness.evaluate(async () => {
    const { engine } = window.harness;
    const e = await engine();
    const din = 300, dout = 517;
    const n = din * dout;
    const cases: Array<[unknown, number, number]> = [
      ['zeros', 0, 0], [{ name: 'constant', value: 0.3 }, 0.3, 0], ['small', 0, 0.01], [{ name: 'normal', std: 0.05 }, 0, 0.05],
      ['xavier', 0, Math.sqrt(1 / din)], ['lecun', 0, Math.sqrt(1 / din)], ['glorot', 0, Math.sqrt(2 / (din + dout))],
      ['glorot_uniform', 0, Math.sqrt(6 / (din + dout)) / Math.sqrt(3)], ['kaiming', 0, Math.sqrt(2 / din)],
    ];
    const out: string[] = [];
    for (const [init, mean, std] of cases) {
      const net = e.createMLP({ dims: [din, dout], batch: 1, init: init as 'xavier', seed: 5 });
      const { W } = await net.readParameters(0);
      let s = 0, s2 = 0;
      for (const w of W) { s += w; s2 += w * w; }
      const m = s / n;
      const sd = Math.sqrt(Math.max(0, s2 / n - m * m));
      // Sampling error of the mean is std/sqrt(n); of the std, std/sqrt(2n). Allow 5 of each.
      const meanTol = 5 * std / Math.sqrt(n) + 1e-7;
      const stdTol = 5 * std / Math.sqrt(2 * n) + 1e-7;
      if (Math.abs(m - mean) > meanTol || Math.abs(sd - std) > stdTol) {
        out.push(`${JSON.stringify(init)}: mean ${m} (want ${mean} +- ${meanTol}), std ${sd} (want ${std} +- ${stdTol})`);
      }
      if (JSON.stringify(init).includes('uniform')) {
        const bound = Math.sqrt(6 / (din + dout));
        if (W.some((w) => Math.abs(w) > bound)) out.push('glorot_uniform: value outside +-bound');
      }
      net.destroy();
    }
    return out;
  });
  expect(report).toEqual([]);
});

test('weights are the Philox reference values; a seed repeats bit for bit; seeds and layers differ', async ({ harness }) => {
  const report = await harness.evaluate(async () => {
    const { engine, reference, compare } = window.harness;
    const e = await engine();
    const out: string[] = [];
    const make = async (seed: number) => {
      const net = e.createMLP({ dims: [65, 33, 33], batch: 3, init: 'kaiming', seed });
      const w0 = (await net.readParameters(0)).W;
      const w1 = (await net.readParameters(1)).W;
      await net.setInput('randn');
      const x = await net.readInput();
      net.destroy();
      return { w0, w1, x };
    };
    const a = await make(7);
    const b = await make(7);
    const c = await make(8);
    const same = (p: Float32Array, q: Float32Array) => p.length === q.length && p.every((v, i) => Object.is(v, q[i]));
    if (!same(a.w0, b.w0) || !same(a.w1, b.w1) || !same(a.x, b.x)) out.push('same seed gave different values');
    if (same(a.w0, c.w0)) out.push('seeds 7 and 8 gave the same W0');
    if (same(a.w0.subarray(0, 1000), a.w1.subarray(0, 1000))) out.push('layers 0 and 1 share values');
    // Normals: log and sqrt are not correctly rounded in WGSL (a few ULP), so agreement with the
    // float64 Box-Muller is to ~1e-6 of the value, not bit for bit.
    const std = Math.sqrt(2 / 65);
    const ref = Float64Array.from({ length: a.w0.length }, (_, i) => reference.normalAt(7, 0, i, std));
    const cmp = compare(a.w0, ref, 1e-6 * std, 2e-6);
    if (!cmp.ok) out.push(`W0 vs Philox reference: ${cmp.bad} bad, worst ${JSON.stringify(cmp.worst)}`);
    const xref = Float64Array.from({ length: a.x.length }, (_, i) => reference.normalAt(7, 0xffff0001, i, 1));
    const cmpX = compare(a.x, xref, 1e-6, 2e-6);
    if (!cmpX.ok) out.push(`input randn vs reference: ${cmpX.bad} bad`);
    // Uniforms use only exact operations (24-bit integer to float, 2u - 1, one rounding for the
    // product), so they equal the reference bit for bit.
    const u = e.createMLP({ dims: [65, 33], batch: 1, init: 'glorot_uniform', seed: 7 });
    const wu = (await u.readParameters(0)).W;
    const bound = Math.fround(Math.sqrt(6 / (65 + 33)));
    const bad = wu.findIndex((v, i) => v !== Math.fround(Math.fround(2 * reference.uniformsAt(7, 0, i) - 1) * bound));
    if (bad >= 0) out.push(`glorot_uniform W[${bad}] = ${wu[bad]} is not the reference value`);
    u.destroy();
    return out;
  });
  expect(report).toEqual([]);
});
