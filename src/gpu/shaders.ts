import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';

/** A WGSL file as text, and the files whose functions it uses (prepended, in order). */
export interface ShaderSource { file: string; code: string; includes: readonly ShaderSource[] }
export type ShaderConstants = Record<string, number | boolean>;

/** One piece of the final module, so a compiler line number maps back to a file and line:
 *  `lines[i]` is the line of `file` that became line firstLine + i (undefined for none). */
export interface SourcePiece { file: string; firstLine: number; lineCount: number; lines: Array<number | undefined> }

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

const DIRECTIVE = /^\s*#(if|elif|else|endif)\b/;
const MARK = /\s*\/\/@src(\d+)$/;

/** Tags every line but the preprocessor's own with its line number, so the lines that survive an
 *  `#if` (wgsl-preprocessor drops the others, shifting what follows) still know where they came from. */
const tagLines = (source: string) => source.split('\n').map((line, i) => (DIRECTIVE.test(line) ? line : `${line} //@src${i + 1}`)).join('\n');

/** Strips the tags again and returns the line number each output line came from. */
function untagLines(text: string): { text: string; lines: Array<number | undefined> } {
  const lines: Array<number | undefined> = [];
  const out = text.split('\n').map((line) => {
    const m = MARK.exec(line);
    lines.push(m ? Number(m[1]) : undefined);
    return m ? line.slice(0, m.index) : line;
  });
  return { text: out.join('\n'), lines };
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
    const { text, lines } = untagLines(renderTemplate(file, tagLines(source), constants));
    pieces.push({ file, firstLine: line, lineCount: lines.length, lines });
    parts.push(text);
    line += lines.length;
  }
  return { code: parts.join('\n'), pieces };
}

/** Maps a line of the assembled module to "file:line" of the .wgsl file it came from. */
export function sourceLocation(pieces: SourcePiece[], line: number): string {
  const piece = pieces.find((p) => line >= p.firstLine && line < p.firstLine + p.lineCount);
  const original = piece?.lines[line - piece.firstLine];
  return piece && original !== undefined ? `${piece.file}:${original}` : `line ${line}`;
}
