// The reading-list view (#view=papers): one preset per paper (src/reproduce/), each with what to
// look for; Run runs its reproduction on this page's GPU at the sizes shown (the reproduction's
// pageSizes: smaller than the CLI's defaults where a CPU adapter would take minutes, and checked by
// `npm run papers` to hold there), prints its progress lines, draws its tables and says whether
// the paper's direction holds. A documented negative result says so before Run. Results are exposed as
// window.initscope.lastReproduction for tests.
import type { Engine } from '../src/index';
import { mnist, standardize, type Dataset } from '../src/data/index';
import { REPRODUCTIONS, type Reproduction, type ReproductionResult } from '../src/reproduce/index';
import { $ } from './dom';

interface Hooks {
  engine: () => Promise<Engine>;
  setPhase: (phase: 'idle' | 'running' | 'done' | 'error', text: string) => void;
}

function table(r: ReproductionResult): HTMLElement[] {
  return r.tables.map((t) => {
    const el = document.createElement('table');
    el.createCaption().textContent = t.title;
    const head = el.createTHead().insertRow();
    for (const c of t.columns) head.append(Object.assign(document.createElement('th'), { textContent: c }));
    const body = el.createTBody();
    for (const row of t.rows) {
      const tr = body.insertRow();
      for (const cell of row) tr.insertCell().textContent = String(cell);
    }
    return el;
  });
}

/** Wires the view: a button per paper, the Run button, the progress log and the result. */
export function setupPapers(hooks: Hooks): void {
  let chosen: Reproduction = REPRODUCTIONS[0];
  let data: Promise<Dataset> | undefined;
  let running = false;
  const sizesOf = (r: Reproduction) => ({ ...Object.fromEntries(Object.entries(r.sizes).map(([k, s]) => [k, s.value])), ...r.pageSizes });
  const show = (r: Reproduction) => {
    chosen = r;
    $('papers-look').textContent = `${r.paper}. ${r.claim[0].toUpperCase()}${r.claim.slice(1)}. Look at ${r.lookFor}.`;
    $('papers-negative').textContent = r.negative ?? '';
    $('papers-negative').hidden = r.negative === undefined;
    $('papers-sizes').textContent = `Sizes: ${Object.entries(sizesOf(r)).map(([k, v]) => `${k} ${v} (${r.sizes[k].means})`).join('; ')}`;
    for (const b of $('papers-presets').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.name === r.name));
  };
  for (const r of REPRODUCTIONS) {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: r.name, title: r.paper });
    b.dataset.name = r.name;
    b.addEventListener('click', () => { if (!running) show(r); });
    $('papers-presets').append(b);
  }
  show(chosen);
  $('papers-run').addEventListener('click', () => {
    if (running) return;
    running = true;
    const r = chosen;
    const log = $('papers-log');
    log.replaceChildren();
    $('papers-result').replaceChildren();
    hooks.setPhase('running', `Running ${r.name}...`);
    const line = (text: string) => { log.append(Object.assign(document.createElement('div'), { textContent: text })); };
    void (async () => {
      try {
        const engine = await hooks.engine();
        const started = performance.now();
        const result = await r.run({ engine, seed: 0, sizes: sizesOf(r), log: line, mnist: () => (data ??= mnist().then(standardize)) });
        const seconds = (performance.now() - started) / 1000;
        const verdict = Object.assign(document.createElement('p'), { className: result.holds ? 'holds' : 'fails',
          textContent: `${result.holds ? 'Holds' : 'Does not hold'}: ${result.verdict} (${seconds.toFixed(1)} s).` });
        $('papers-result').replaceChildren(Object.assign(document.createElement('p'), { textContent: `Setup: ${result.setup}` }), ...table(result), verdict);
        window.initscope.lastReproduction = { ...result, seconds };
        hooks.setPhase('done', `${r.name}: ${result.holds ? 'the paper\'s direction holds' : 'the direction does not hold'} in this run.`);
      } catch (e) {
        hooks.setPhase('error', `${r.name} failed: ${(e as Error).message}`);
      } finally {
        running = false;
      }
    })();
  });
}
