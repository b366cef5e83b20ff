// The page helpers both views use: elements by id, select options, and the form <-> hash text
// (the hash parsers of state.ts and trainState.ts validate what a form says, like a URL).
import type { AdapterLine } from './trainProtocol';

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function setOptions(select: HTMLSelectElement, values: readonly string[]): void {
  select.replaceChildren(...values.map((v) => Object.assign(document.createElement('option'), { value: v, textContent: v })));
}

/** Sets the form's field of each name: a checkbox from the value's truth, any other from its text. */
export function writeFields(form: HTMLFormElement, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    const el = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = Boolean(value);
    else if (el) el.value = String(value);
  }
}

/** The form as hash text: every field as it reads, the checkboxes `flags` as 1 or 0 (an unticked
 *  box is missing from FormData, which would leave its key at the default). */
export function formHash(form: HTMLFormElement, flags: readonly string[]): string {
  const p = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (typeof v === 'string') p.set(k, v);
  for (const name of flags) p.set(name, (form.elements.namedItem(name) as HTMLInputElement).checked ? '1' : '0');
  return `#${p.toString()}`;
}

/** Saves `blob` as a file called `name` (the browser's download). */
export function download(name: string, blob: Blob): void {
  const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** The adapter line of the page: vendor / architecture / description, and what a CPU adapter means. */
export function describeAdapter({ info, kernelTarget, hasTimestamps }: AdapterLine): string {
  return `${[info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') || 'unknown'}` +
    (info.isFallbackAdapter ? ` (software adapter on the CPU, ${kernelTarget} kernels: a full-size forward takes seconds, with backward about half a minute)` : '') +
    (hasTimestamps ? '; GPU times from timestamp-query' : '; no timestamp-query: wall times');
}
