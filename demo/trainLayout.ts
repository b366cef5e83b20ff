// The training view's repeated parts, built from the page's templates: the fields of A and B, and
// the per-layer panels of each.
import { $ } from './dom';

/** The panels' id prefixes: A's and B's. */
export const PANELS = ['train-a', 'train-b'];

/** The fields of A and B from one template: B's names carry the prefix b_ (the hash's keys). */
export function makeConfigFields(): void {
  const template = $<HTMLTemplateElement>('train-config');
  for (const [id, prefix, config] of [['train-a', '', 'a'], ['train-b', 'b_', 'b']]) {
    const fields = template.content.cloneNode(true) as DocumentFragment;
    for (const el of fields.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[name]')) el.name = `${prefix}${el.name}`;
    for (const label of fields.querySelectorAll<HTMLElement>('label[data-for]')) label.dataset.config = config;
    $(id).append(fields);
  }
}

/** The per-layer panels of A and B from one template: ids train-a-title, train-b-ratio, ... */
export function makePanels(): void {
  const template = $<HTMLTemplateElement>('train-panel');
  for (const prefix of PANELS) {
    const panel = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
    panel.id = `${prefix}-panel`;
    for (const part of panel.querySelectorAll<HTMLElement>('[data-part]')) part.id = `${prefix}-${part.dataset.part}`;
    $('train-panels').append(panel);
  }
}
