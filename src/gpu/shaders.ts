import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import activations from '../../shaders/activations.wgsl?raw';
import dz from '../../shaders/dz.wgsl?raw';
import rng from '../../shaders/rng.wgsl?raw';
import matmul from '../../shaders/matmul.wgsl?raw';
import matmulSkinny from '../../shaders/matmul_skinny.wgsl?raw';
import matmulSkinnyT from '../../shaders/matmul_skinny_t.wgsl?raw';
import matmulOuter from '../../shaders/matmul_outer.wgsl?raw';
import dzStore from '../../shaders/dz_store.wgsl?raw';
import epilogue from '../../shaders/epilogue.wgsl?raw';
import biasGrad from '../../shaders/bias_grad.wgsl?raw';
import stats from '../../shaders/stats.wgsl?raw';

export type KernelFamily = 'rng' | 'matmul' | 'matmul_skinny' | 'matmul_skinny_t' | 'matmul_outer' | 'dz_store' | 'epilogue' | 'bias_grad' | 'stats';
export type ShaderConstants = Record<string, number | boolean>;

const FAMILIES: Record<KernelFamily, { file: string; source: string; includes: Array<[string, string]> }> = {
  rng: { file: 'rng.wgsl', source: rng, includes: [] },
  matmul: { file: 'matmul.wgsl', source: matmul, includes: [['activations.wgsl', activations], ['dz.wgsl', dz]] },
  matmul_skinny: { file: 'matmul_skinny.wgsl', source: matmulSkinny, includes: [] },
  matmul_skinny_t: { file: 'matmul_skinny_t.wgsl', source: matmulSkinnyT, includes: [['activations.wgsl', activations], ['dz.wgsl', dz]] },
  matmul_outer: { file: 'matmul_outer.wgsl', source: matmulOuter, includes: [] },
  dz_store: { file: 'dz_store.wgsl', source: dzStore, includes: [['activations.wgsl', activations], ['dz.wgsl', dz]] },
  epilogue: { file: 'epilogue.wgsl', source: epilogue, includes: [['activations.wgsl', activations]] },
  bias_grad: { file: 'bias_grad.wgsl', source: biasGrad, includes: [['activations.wgsl', activations], ['dz.wgsl', dz]] },
  stats: { file: 'stats.wgsl', source: stats, includes: [['activations.wgsl', activations]] },
};

/** One piece of the final module, so a compiler line number maps back to a file and line. */
export interface SourcePiece { file: string; firstLine: number; lineCount: number }

const PLACEHOLDER = /\$\{(\w+)\}/g;

/** Fills `${NAME}` placeholders: inside `#if ${FLAG}` they drive wgsl-preprocessor, elsewhere the
 *  value is written in. */
function renderTemplate(file: string, source: string, constants: ShaderConstants): string {
  const strings: string[] = [];
  const values: Array<string | boolean> = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const value = constants[match[1]];
    if (value === undefined) throw new Error(`${file}: constant \${${match[1]}} was not given`);
    strings.push(source.slice(last, match.index));
    values.push(typeof value === 'boolean' ? value : String(value));
    last = (match.index ?? 0) + match[0].length;
  }
  strings.push(source.slice(last));
  return wgsl(Object.assign(strings, { raw: strings }) as unknown as TemplateStringsArray, ...values);
}

/** The WGSL of one kernel variant, and where each included file starts in it. Every constant
 *  given must be a placeholder of the family, so a typo cannot silently pick a default. */
export function buildShader(family: KernelFamily, constants: ShaderConstants): { code: string; pieces: SourcePiece[] } {
  const spec = FAMILIES[family];
  const files: Array<[string, string]> = [...spec.includes, [spec.file, spec.source]];
  const known = new Set(files.flatMap(([, source]) => [...source.matchAll(PLACEHOLDER)].map((m) => m[1])));
  const unknown = Object.keys(constants).filter((name) => !known.has(name));
  if (unknown.length) throw new Error(`${spec.file}: unknown constants ${unknown.join(', ')}`);
  const pieces: SourcePiece[] = [];
  const parts: string[] = [];
  let line = 1;
  for (const [file, source] of files) {
    const text = renderTemplate(file, source, constants);
    const lineCount = text.split('\n').length;
    pieces.push({ file, firstLine: line, lineCount });
    parts.push(text);
    line += lineCount;
  }
  return { code: parts.join('\n'), pieces };
}

/** Maps a line of the assembled module to "file:line". */
export function sourceLocation(pieces: SourcePiece[], line: number): string {
  const piece = pieces.find((p) => line >= p.firstLine && line < p.firstLine + p.lineCount);
  return piece ? `${piece.file}:${line - piece.firstLine + 1}` : `line ${line}`;
}
