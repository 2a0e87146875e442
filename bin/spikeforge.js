#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `make setup` (npm run build).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('spikeforge: not built yet; run `make setup` (or `npm run build`) in the spikeforge folder\n');
  process.exit(2);
}
// `spikeforge … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
