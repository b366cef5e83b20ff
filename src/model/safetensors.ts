// The safetensors format (huggingface/safetensors' specification), written and read by hand: an
// 8-byte little-endian header length N, N bytes of JSON { name: { dtype, shape, data_offsets:
// [begin, end] }, __metadata__?: { string: string } } padded with spaces to a multiple of 8, then
// the tensors' bytes, little-endian, each at its offsets from the start of the data. Only what a
// checkpoint of this engine holds is read: F32 tensors, and I64 scalars (BatchNorm's
// num_batches_tracked). Every refusal is an 'invalid-option' error that names the tensor.
import { InitscopeError } from './errors';

/** One tensor of a file: F32 values, or an I64 count (kept as a number). */
export interface SafeTensor { dtype: 'F32' | 'I64'; shape: number[]; data: Float32Array | BigInt64Array }

/** A header larger than this is refused before it is parsed (the specification's limit is 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;
const BYTES: Record<SafeTensor['dtype'], number> = { F32: 4, I64: 8 };



/** The file of `tensors` (in insertion order) with string metadata. */
export function encodeSafetensors(tensors: Map<string, SafeTensor>, metadata: Record<string, string>): Uint8Array<ArrayBuffer> {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.length * BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned (as safetensors writes it).
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors.values()) {
    const view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(view, at);
    at += view.length;
  }
  return out;
}

/** Parses a file; refuses a truncated file, a header too large or not JSON, offsets outside the
 *  data or overlapping, an unknown dtype and a shape that does not match its bytes. */
export function decodeSafetensors(bytes: Uint8Array, where = 'loadNet'): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  const refuse = (message: string, field = 'bytes') => new InitscopeError(`${where}: ${message}`, 'invalid-option', field);
  if (!(bytes instanceof Uint8Array)) throw refuse(`bytes must be a Uint8Array (a safetensors file), got ${typeof bytes}`);
  if (bytes.length < 8) throw refuse(`the file is ${bytes.length} bytes, shorter than its 8-byte header length`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) throw refuse(`the header says it is ${length} bytes, more than the ${MAX_HEADER_BYTES} allowed`);
  const n = Number(length);
  if (8 + n > bytes.length) throw refuse(`the header says it is ${n} bytes, but the file has only ${bytes.length - 8} after the length (truncated?)`);
  let header: unknown;
  try { header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n))); } catch (e) {
    throw new InitscopeError(`${where}: the header is not JSON (${(e as Error).message})`, 'invalid-option', 'bytes', { cause: e });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw refuse('the header must be a JSON object of tensors');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  const spans: Array<[number, number, string]> = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Object.values(raw).some((v) => typeof v !== 'string')) throw refuse('__metadata__ must map strings to strings', name);
      metadata = raw as Record<string, string>;
      continue;
    }
    const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (t.dtype !== 'F32' && t.dtype !== 'I64') {
      throw refuse(`tensor ${name}: dtype must be F32 (or I64 for a count), got ${JSON.stringify(t.dtype)}`, name);
    }
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw refuse(`tensor ${name}: shape must be a list of non-negative integers, got ${JSON.stringify(t.shape)}`, name);
    const offsets = t.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      throw refuse(`tensor ${name}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`, name);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) throw refuse(`tensor ${name}: data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes)`, name);
    const count = (t.shape as number[]).reduce((a, b) => a * b, 1);
    const size = BYTES[t.dtype];
    if (end - begin !== count * size) throw refuse(`tensor ${name}: shape [${(t.shape as number[]).join(', ')}] needs ${count * size} bytes of ${t.dtype}, its offsets hold ${end - begin}`, name);
    spans.push([begin, end, name]);
    // A copy in its own ArrayBuffer: a Node Buffer's slice() is a view into the file's (or the
    // pool's) memory, whose .buffer would hold every tensor at once.
    const copy = new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(name, { dtype: t.dtype, shape: t.shape as number[], data: t.dtype === 'F32' ? new Float32Array(copy.buffer) : new BigInt64Array(copy.buffer) });
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) throw refuse(`tensors ${spans[i - 1][2]} and ${spans[i][2]} overlap in the data`, spans[i][2]);
  }
  return { tensors, metadata };
}

/** A row-major rows x cols matrix as cols x rows: the engine's dense W (Din x Dout) as
 *  nn.Linear.weight (Dout x Din) and back, for net and trainer checkpoints alike. */
export function transposed(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}
