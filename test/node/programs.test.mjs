// Every kernel program's descriptor against its WGSL file: binding names, order and access, and
// the uniform struct's field names, types and byte offsets (TypeScript writes uniforms by name,
// so a field renamed or moved on one side only must fail here, not as a wrong number on a GPU).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDispatch, PROGRAMS } from '../../dist/testing.js';

const ACCESS = { uniform: 'uniform', 'storage, read': 'read-only-storage', 'storage, read_write': 'storage' };
const SCALAR_BYTES = { u32: 4, i32: 4, f32: 4 };

function wgslBindings(code) {
  return [...code.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var<([^>]+)>\s*(\w+)\s*:\s*([\w<>, ]+);/g)]
    .map((m) => ({ binding: Number(m[1]), access: ACCESS[m[2].replace(/\s+/g, ' ').trim()], name: m[3], type: m[4].trim() }))
    .sort((a, b) => a.binding - b.binding);
}

/** Members of `struct name { ... }` with WGSL byte offsets (only 4-byte scalars are allowed in uniforms). */
function wgslStruct(code, name) {
  const body = code.match(new RegExp(`struct\\s+${name}\\s*\\{([^}]*)\\}`))?.[1];
  assert.ok(body, `struct ${name} not found`);
  let offset = 0;
  return [...body.replace(/\/\/[^\n]*/g, '').matchAll(/(\w+)\s*:\s*(\w+)/g)].map((m) => {
    const bytes = SCALAR_BYTES[m[2]];
    assert.ok(bytes, `${name}.${m[1]}: type ${m[2]} is not a 4-byte scalar`);
    const member = { name: m[1], type: m[2], offset };
    offset += bytes;
    return member;
  });
}

test('every program has a distinct name and its WGSL file', () => {
  assert.ok(PROGRAMS.length >= 9);
  assert.equal(new Set(PROGRAMS.map((p) => p.name)).size, PROGRAMS.length);
  for (const p of PROGRAMS) assert.ok(p.shader.code.includes('@compute'), `${p.name}: ${p.shader.file} has no entry point`);
});

for (const program of PROGRAMS) {
  test(`${program.name}: bindings and uniform struct match ${program.shader.file}`, () => {
    const code = program.shader.code;
    const declared = wgslBindings(code);
    const described = Object.entries(program.bindings);
    assert.deepEqual(declared.map((b) => b.binding), described.map((_, i) => i), `${program.name}: bindings are 0..n-1`);
    assert.deepEqual(declared.map((b) => [b.name, b.access]), described, `${program.name}: binding names and access`);
    const params = declared.find((b) => b.name === 'params');
    if (!program.uniform) {
      assert.equal(params, undefined, `${program.name}: WGSL has a uniform but the descriptor none`);
      return;
    }
    assert.equal(params?.type, program.uniform.struct, `${program.name}: params is a ${program.uniform.struct}`);
    const members = wgslStruct(code, program.uniform.struct);
    const named = members.filter((m) => !m.name.startsWith('_'));
    const fields = Object.entries(program.uniform.fields).map(([name, type], i) => ({ name, type, offset: 4 * i }));
    assert.deepEqual(fields, named, `${program.name}: uniform fields (name, type, byte offset) of ${program.uniform.struct}`);
  });
}

test('a grid past the device\'s workgroups per dimension is refused as too-large before any GPU work', async () => {
  // The context holds only the device's limit: the check comes first, so nothing else of it (no
  // pipeline cache, no allocator, no device call) is reached.
  const program = PROGRAMS.find((p) => p.name === 'matmul');
  const ctx = { device: { limits: { maxComputeWorkgroupsPerDimension: 65535 } } };
  await assert.rejects(makeDispatch(ctx, program, { label: 'layer 0 forward matmul', constants: {}, buffers: {}, workgroups: [65536, 1, 1], reads: [], writes: [] }),
    (e) => e.code === 'too-large' && /layer 0 forward matmul: matmul would need a grid of \[65536, 1, 1\] workgroups, more than 65535 in one dimension \(the device's maxComputeWorkgroupsPerDimension\)/.test(e.message));
});
