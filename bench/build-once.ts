/** Builds one design's Verilator model and prints the seconds it took (used by bench/run.ts for a cold build in a private cache). */
import { resolveConfig } from '../src/io/config-file.js';
import { generateDesign } from '../src/design/design.js';
import { buildDesignSim } from '../src/cosim/cosim.js';

const model = await buildDesignSim(generateDesign(resolveConfig(JSON.parse(process.argv[2]!), '.')));
process.stdout.write(`${model.seconds.toFixed(1)}\n`);
