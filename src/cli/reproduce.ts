// initscope reproduce NAME [--seed S] [--json] [--page] [--size NAME=VALUE ...]   (npm run reproduce -- NAME)
// A paper of the lecture's reading list on this machine's adapter: its setup, the table of what
// the engine measured, and whether the paper's direction holds. `npm run papers` is
// `reproduce all --page`: every demo preset at the page's sizes, one verdict line each.
import { createEngine } from '../index';
import { mnist, standardize, type Dataset } from '../data/index';
import { createNodeGPU } from '../node/index';
import { REPRODUCTIONS, type ReproductionResult } from '../reproduce/index';
import { numberFlag, parseFlags, parseOrUsage } from './flags';

const names = REPRODUCTIONS.map((r) => r.name);
const usage = `usage: initscope reproduce NAME [options]   (npm run reproduce -- NAME [options])
  NAME              ${names.join(', ')}, or all
  --seed S          the first seed (0)
  --page            the sizes the demo's preset runs at (npm run papers: all --page)
  --size K=V        override one of the reproduction's sizes (repeatable), e.g. --size steps=200
  --json            one JSON object (the result) instead of the tables
sizes:
${REPRODUCTIONS.map((r) => `  ${r.name.padEnd(12)} ${Object.entries(r.sizes).map(([k, s]) => `${k}=${s.value} (${s.means})`).join('; ')}`).join('\n')}
a documented negative result (${REPRODUCTIONS.filter((r) => r.negative).map((r) => r.name).join(', ')}) does not make the exit code 1.`;

const OPTIONS = { seed: { type: 'string', default: '0' }, size: { type: 'string', multiple: true, default: [] as string[] },
  json: { type: 'boolean', default: false }, page: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } as const;

function parse(argv: string[]) {
  const [name, ...rest] = argv;
  if (name === undefined || name.startsWith('-')) {
    if (name === '--help' || name === '-h') return { help: true as const };
    throw new Error(`give a reproduction: ${names.join(', ')} or all`);
  }
  const chosen = name === 'all' ? REPRODUCTIONS : REPRODUCTIONS.filter((r) => r.name === name);
  if (chosen.length === 0) throw new Error(`unknown reproduction ${JSON.stringify(name)}; known: ${names.join(', ')}, all`);
  const a = parseFlags(rest, OPTIONS);
  const sizes: Record<string, number> = {};
  for (const s of a.size) {
    const [key, value] = s.split('=');
    if (!chosen.some((r) => key in r.sizes)) throw new Error(`--size ${s}: ${key} is not a size of ${chosen.map((r) => r.name).join(', ')}`);
    sizes[key] = numberFlag(`size ${key}`, value, true);
    if (sizes[key] < 1) throw new Error(`--size ${s}: needs a positive integer`);
  }
  return { help: a.help, chosen, sizes, seed: numberFlag('seed', a.seed, true), json: a.json, page: a.page };
}

function printResult(r: ReproductionResult): void {
  console.log(`\n${r.paper}\nclaim: ${r.claim}\nsetup: ${r.setup}`);
  for (const t of r.tables) {
    const cells = [t.columns, ...t.rows.map((row) => row.map(String))];
    const widths = t.columns.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
    console.log(`\n${t.title}`);
    for (const row of cells) console.log(`  ${row.map((cell, c) => cell.padStart(widths[c])).join('  ')}`);
  }
  console.log(`\n${r.holds ? 'holds' : 'does not hold'}: ${r.verdict}`);
}

/** One line per run: the verdict, the sizes and the seconds (the summary of `npm run papers`). */
function verdictLine(r: ReproductionResult & { seconds: number; sizes: Record<string, number> }, negative: boolean): string {
  const state = r.holds ? 'holds' : negative ? 'does not hold (documented negative result)' : 'DOES NOT HOLD';
  const sizes = Object.entries(r.sizes).map(([k, v]) => `${k} ${v}`).join(', ');
  return `${r.name.padEnd(12)} ${state}: ${r.verdict} [${sizes}; ${r.seconds.toFixed(1)} s]`;
}

/** Runs reproductions with command-line arguments; resolves to the process exit code (1 when a
 *  direction does not hold, documented negative results apart). */
export async function reproduce(argv: string[]): Promise<number> {
  const o = parseOrUsage('reproduce', usage, () => parse(argv));
  if (typeof o === 'number') return o;
  if (o.help) { console.log(usage); return 0; }
  const log = (msg: string) => console.error(msg);
  const engine = await createEngine({ gpu: await createNodeGPU() });
  const info = engine.adapterInfo;
  log(`adapter: ${info.vendor} ${info.architecture} ${info.description}${info.isFallbackAdapter ? ' (software, CPU)' : ''}`);
  let data: Promise<Dataset> | undefined;
  const results: Array<ReproductionResult & { seconds: number; sizes: Record<string, number> }> = [];
  try {
    for (const r of o.chosen) {
      log(`${r.name}: ${r.paper}`);
      const started = performance.now();
      const sizes = { ...(o.page ? r.pageSizes : {}), ...o.sizes };
      const result = await r.run({ engine, seed: o.seed, sizes, log, mnist: () => (data ??= mnist().then(standardize)) });
      const seconds = (performance.now() - started) / 1000;
      const all = { ...Object.fromEntries(Object.entries(r.sizes).map(([k, s]) => [k, s.value])), ...sizes };
      results.push({ ...result, seconds, sizes: all });
      if (!o.json) printResult(result);
      log(`${r.name}: ${seconds.toFixed(1)} s`);
    }
  } finally {
    engine.destroy();
  }
  const negative = (name: string) => REPRODUCTIONS.some((r) => r.name === name && r.negative !== undefined);
  if (o.json) console.log(JSON.stringify({ adapter: info, date: new Date().toISOString(), seed: o.seed, page: o.page, results }));
  else if (results.length > 1) {
    console.log(`\n${o.page ? 'the demo\'s presets at the page\'s sizes' : 'summary'} (${new Date().toISOString().slice(0, 10)}, ${info.vendor} ${info.architecture} ${info.description}):`);
    for (const r of results) console.log(verdictLine(r, negative(r.name)));
  }
  return results.every((r) => r.holds || negative(r.name)) ? 0 : 1;
}
