// The `initscope` command (bin/initscope.mjs): `initscope experiment|train [options]`.
import { InitscopeError } from '../index';
import { experiment } from './experiment';
import { reproduce } from './reproduce';
import { train } from './train';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { experiment, train, reproduce };
const USAGE = `usage: initscope <command> [options]   (--help after a command for its options)
  experiment   the lecture's experiment: per-layer statistics of a forward (and backward) pass
  train        train a net on MNIST or the spiral and print the test accuracy
  reproduce    a paper of the lecture's reading list: its claim, this engine's table, whether it holds`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') { console.log(USAGE); return command ? 0 : 2; }
  const run = COMMANDS[command];
  if (!run) { console.error(`initscope: unknown command ${JSON.stringify(command)}\n${USAGE}`); return 2; }
  return run(rest);
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
  console.error(e instanceof InitscopeError ? `initscope: ${e.message}` : e);
  process.exit(1);
});
