// What the table scripts share: one `initscope train --json` run, and the stored file's header
// (the command that made it, the date, the adapter, the machine).
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/** Runs `bin/initscope.mjs train ...flags --json` and returns its JSON (needs `npm run build`). */
export function trainJson(flags) {
  const out = execFileSync(process.execPath, ['bin/initscope.mjs', 'train', ...flags, '--json'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 << 20 });
  return JSON.parse(out);
}

/** The header of a stored table: what ran it, when, and on what. */
export function runHeader(adapter) {
  return {
    command: `node ${process.argv.slice(1).map((a) => a.replace(/^.*\/scripts\//, 'scripts/')).join(' ')}`,
    date: new Date().toISOString().slice(0, 10),
    adapter,
    machine: `${cpus().length} cores, Node ${process.version}, Dawn (webgpu package)`,
  };
}
