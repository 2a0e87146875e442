/**
 * XNOR-attention speed: the golden model's scores per second at N = 168, D = 32 (T = 4,
 * Gray-PE timestep-token 10 bits + Log-PE paper, as the authors' models run), and the
 * Verilator co-simulation's scores per second on the generated engine (lanes = 4), with
 * the measured beats per clock at full throughput.
 *
 *   npx tsx bench/xnor_speed.ts
 */
import { cpus } from 'node:os';
import { resolveConfig } from '../src/io/config-file.js';
import { generateDesign } from '../src/design/design.js';
import { Rng } from '../src/base/rng.js';
import { deriveXnor, type XnorDerived } from '../src/blocks/xnor_attention/derive.js';
import { scores, type XnorInputs } from '../src/blocks/xnor_attention/model.js';
import { buildDesignSim, simulate } from '../src/cosim/cosim.js';

const raw = {
  top: 'xnor_attention',
  name: 'speed',
  seqLen: 168,
  dim: 32,
  timesteps: 4,
  lanes: 4,
  grayPe: { enabled: true, position: 'timestep-token', bits: 10 },
  logPe: { enabled: true },
};

function randomCase(d: XnorDerived, rng: Rng): XnorInputs {
  const m = () => Array.from({ length: d.timesteps }, () => Array.from({ length: d.seqLen }, () => rng.bits(d.dim, 0.02 + 0.96 * rng.float())));
  return { q: m(), k: m() };
}

async function main(): Promise<void> {
  const cfg = resolveConfig(raw, '.');
  const d = deriveXnor(cfg);
  const rng = new Rng(1);
  const perCase = d.timesteps * d.seqLen * d.seqLen;

  // Golden model: warm up (tabulates the position terms once), then time.
  const cases = Array.from({ length: 20 }, () => randomCase(d, rng));
  scores(d, cases[0]!.q, cases[0]!.k);
  let t0 = performance.now();
  for (const c of cases) scores(d, c.q, c.k);
  const modelSeconds = (performance.now() - t0) / 1000;

  // Co-simulation at full throughput (no gaps, no back-pressure).
  const design = generateDesign(cfg);
  const model = await buildDesignSim(design);
  const simCases = cases.slice(0, 8);
  t0 = performance.now();
  const sim = await simulate(design, simCases, { seed: 1, pValid: 1, pReady: 1 }, model);
  const wall = (performance.now() - t0) / 1000;
  const beats = sim.run.out['score']?.length ?? 0;
  const expectedCycles = design.block.cycles(design.derived, simCases);

  console.log(`XNOR-attention speed — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
  console.log('');
  console.log('| what | scores | seconds | scores / s |');
  console.log('|---|---|---|---|');
  console.log(`| golden model, N = 168, D = 32, T = 4, both PEs | ${cases.length * perCase} | ${modelSeconds.toFixed(3)} | ${(cases.length * perCase / modelSeconds).toExponential(2)} |`);
  console.log(`| Verilator co-simulation, lanes = 4 (simulator process) | ${simCases.length * perCase} | ${sim.run.seconds.toFixed(3)} | ${(simCases.length * perCase / sim.run.seconds).toExponential(2)} |`);
  console.log(`| the same, end to end (encode, files, simulate, decode) | ${simCases.length * perCase} | ${wall.toFixed(3)} | ${(simCases.length * perCase / wall).toExponential(2)} |`);
  console.log('');
  console.log(
    `Full throughput: ${beats} score beats in ${sim.run.cycles} cycles (formula ${expectedCycles}); ` +
      `beats per clock while streaming = ${(beats / (sim.run.cycles - d.seqLen - d.latency)).toFixed(4)}; model build ${model.cacheHit ? 'cached' : `${model.seconds.toFixed(1)} s`}.`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
