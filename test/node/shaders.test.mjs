// WGSL errors point into the .wgsl files: the preprocessor drops the lines of a false #if
// branch, yet every line of the module still maps back to its file and line, and a compile
// error names the kernel, file:line and the compiler's message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createEngine } from 'initscope';
import { createNodeGPU } from 'initscope/node';
import { buildShader, PipelineCache } from '../../dist/testing.js';

const broken = { file: 'broken.wgsl', code: readFileSync(new URL('./fixtures/broken.wgsl', import.meta.url), 'utf8'), includes: [] };
const include = { file: 'lib.wgsl', code: '// a helper\n#if ${WIDE}\nfn wide() -> f32 { return 1.0; }\n#endif\nfn one() -> f32 { return 1.0; }', includes: [] };

test('every line of a preprocessed module maps to the line of its file, either #if branch', () => {
  for (const WIDE of [true, false]) {
    const { code, pieces } = buildShader({ ...broken, includes: [include] }, { WIDE });
    const lines = code.split('\n');
    const sources = { 'broken.wgsl': broken.code.split('\n'), 'lib.wgsl': include.code.split('\n') };
    for (const piece of pieces) {
      for (let i = 0; i < piece.lineCount; i++) {
        const original = piece.lines[i];
        const generated = lines[piece.firstLine - 1 + i];
        // What the preprocessor leaves of its own directives is blank and maps to no line.
        if (original === undefined) { assert.equal(generated.trim(), '', `${piece.file}: generated line ${piece.firstLine + i} "${generated}"`); continue; }
        assert.equal(generated, sources[piece.file][original - 1].replace(/\$\{WIDE\}/, String(WIDE)), `${piece.file}:${original}`);
      }
    }
    assert.equal(code.includes('return 2.0 * x'), WIDE);
    assert.ok(!code.includes('#if') && !code.includes('//@src'), 'directives and line tags are gone');
  }
});

test('a WGSL compile error names the kernel, the line in the .wgsl file and the message', async () => {
  const engine = await createEngine({ gpu: await createNodeGPU() });
  const cache = new PipelineCache(engine.device);
  for (const WIDE of [true, false]) {
    await assert.rejects(cache.get({ name: 'broken', shader: broken, entryPoint: 'main', constants: { WIDE }, bindings: ['storage'] }), (e) => {
      assert.equal(e.code, 'gpu-error');
      assert.match(e.message, /WGSL compile error in kernel broken:main\(WIDE=(true|false)\)/);
      assert.match(e.message, /broken\.wgsl:16 \(generated line \d+\): .*undefined_name/);
      assert.match(e.message, /\| data\[gid\.x\] = scale\(data\[gid\.x\]\) \+ undefined_name;/);
      return true;
    });
  }
  engine.destroy();
});
