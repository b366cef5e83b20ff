import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';

/** A WGSL file as text, and the files whose functions it uses (prepended, in order). */
export interface ShaderSource { file: string; code: string; includes: readonly ShaderSource[] }
export type ShaderConstants = Record<string, number | boolean>;

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
  return wgsl(Object.assign(strings, { raw: strings }), ...values);
}

/** The WGSL of one kernel variant, and where each included file starts in it. Every constant
 *  given must be a placeholder of the family, so a typo cannot silently pick a default. */
export function buildShader(shader: ShaderSource, constants: ShaderConstants): { code: string; pieces: SourcePiece[] } {
  const files: Array<[string, string]> = [...shader.includes, shader].map((s) => [s.file, s.code]);
  const known = new Set(files.flatMap(([, source]) => [...source.matchAll(PLACEHOLDER)].map((m) => m[1])));
  const unknown = Object.keys(constants).filter((name) => !known.has(name));
  if (unknown.length) throw new Error(`${shader.file}: unknown constants ${unknown.join(', ')}`);
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
