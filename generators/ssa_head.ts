/**
 * Spiking self-attention head generator (SPEC §6). Composition by reference: the head
 * instantiates the XNOR engine (generators/xnor_attention.ts, which brings the Gray-PE and
 * Log-PE modules), the LIF array (generators/lif_array.ts), and adds only the A·V stage
 * (`<name>_attn_v`), the per-head glue (`<name>_attn_head`) and the top
 * (`<name>_ssa_head`: `heads` heads in lock-step over a D·heads-wide row).
 */
import type { SsaDerived } from '../src/blocks/ssa_head/derive.js';
import { ssaCycleFormula } from '../src/blocks/ssa_head/derive.js';
import { ssaHeadModule, ssaParams } from '../src/blocks/ssa_head/index.js';
import { lifArrayModule } from '../src/blocks/lif_array/index.js';
import { xnorAttentionModule } from '../src/blocks/xnor_attention/index.js';
import type { BlockGenerator } from './types.js';
import type { GeneratedFile, RenderMeta } from '../src/render/files.js';
import { renderTemplate } from '../src/render/templates.js';
import { header } from '../src/render/header.js';
import { lifParams, renderLifArray } from './lif_array.js';
import { renderXnorAttention, xnorParams } from './xnor_attention.js';
import { planRam } from '../src/parts/ram.js';
import { ramModule, ramParams, renderRams } from './parts/ram.js';
import { observedMemLanes, ssaObservePorts } from '../src/blocks/ssa_head/observe.js';
import { renderBoard } from './board.js';

function attnHeadModule(s: SsaDerived): string {
  return `${s.name}_attn_head`;
}
function attnVModule(s: SsaDerived): string {
  return `${s.name}_attn_v`;
}
function attnLifModule(s: SsaDerived): string {
  return `${s.name}_attn_lif`;
}

/** Each generated file once (the engine, the LIF array and the V buffer may share RAM modules). */
function unique(files: GeneratedFile[]): GeneratedFile[] {
  const seen = new Map<string, GeneratedFile>();
  for (const f of files) {
    const prev = seen.get(f.path);
    if (prev && prev.content !== f.content) throw new Error(`two different files named ${f.path}`);
    seen.set(f.path, f);
  }
  return [...seen.values()];
}

export function renderSsaHead(s: SsaDerived, meta: RenderMeta): GeneratedFile[] {
  const x = s.xnor;
  const engine = renderXnorAttention(x, meta);
  const lif = renderLifArray(s.lif, meta);
  const common = {
    dim: s.dim,
    lanes: x.lanes,
    idxWidth: x.idxWidth,
    scoreBus: x.lanes * x.scoreWidth,
    oBus: s.dim * s.oWidth,
    // The membranes one LIF beat carries, as observed (SPIKEFORGE_OBSERVE).
    obsMemBus: observedMemLanes(s) * s.lif.width,
  };
  const vPlan = planRam('sdp', s.vBuffer.words, s.vBuffer.width);
  const lifMem = s.fold.membranes === 'memory';
  const G = s.fold.groupsPerRow;
  const attnV = renderTemplate('ssa_head/attn_v.sv.hbs', {
    ...common,
    header: header(
      attnVModule(s),
      [
        'A·V stage of the attention head (SPEC §4): O[i][c] = sum over j of S[i][j] * v_j[c].',
        'V rows in a three-bank buffer, one RAM per lane (later timesteps load while this one is',
        'summed); one score beat per clock; one O row leaves per query row, 2 cycles after its',
        'last beat (V read, sum).',
      ],
      {
        N: s.seqLen,
        D: s.dim,
        Lanes: x.lanes,
        ScoreWidth: x.scoreWidth,
        SumWidth: `${s.sumWidth} = bitlen(Lanes * S_max = ${x.lanes * x.maxScore})`,
        OWidth: s.oWidth,
        VBuffer: `${x.lanes} RAM(s) of ${s.vBuffer.words} x ${s.vBuffer.width} (3 banks of ${x.beats} words)`,
      },
      meta,
    ),
    module: attnVModule(s),
    seqLen: s.seqLen,
    scoreWidth: x.scoreWidth,
    oWidth: s.oWidth,
    sumWidth: s.sumWidth,
    sumMax: x.lanes * x.maxScore,
    addrWidth: s.vBuffer.addrWidth,
    bankWords: x.beats,
    bankWords2: 2 * x.beats,
    multiBeat: x.beats > 1,
    beatWidth: s.beatWidth,
    lastBeat: x.beats - 1,
    multiLane: x.lanes > 1,
    laneWidth: x.laneWidth,
    ramModule: ramModule(s.name, vPlan),
    ramParams: ramParams(vPlan),
  });
  const attnLif = lifMem
    ? renderTemplate('ssa_head/attn_lif.sv.hbs', {
        header: header(
          attnLifModule(s),
          [
            'Attention neurons of one head (SPEC §6) with their membranes in RAM: an O row is',
            `stepped ${s.fold.neuronLanes} feature(s) per clock (${G} clock(s) per row) by the LIF array and its`,
            'spikes are gathered into one output row.',
          ],
          { D: s.dim, NeuronLanes: s.fold.neuronLanes, GroupsPerRow: G, OWidth: s.oWidth, Storage: s.lif.storage.note },
          meta,
        ),
        module: attnLifModule(s),
        dim: s.dim,
        neuronLanes: s.fold.neuronLanes,
        oWidth: s.oWidth,
        oBus: s.dim * s.oWidth,
        groups: G,
        groupWidth: s.groupWidth,
        lastGroup: G - 1,
        oneGroup: G === 1,
        lif: lifArrayModule(s.lif),
        memBus: s.fold.neuronLanes * s.lif.width,
      })
    : null;
  const head = renderTemplate('ssa_head/attn_head.sv.hbs', {
    ...common,
    header: header(
      attnHeadModule(s),
      [
        'One spiking self-attention head (SPEC §6): Q, K, V spikes in, Y spikes out.',
        'Per timestep: XNOR scores with the configured PEs, O = S·V, then one LIF neuron per',
        '(token, feature) with the attention scale folded into its threshold.',
      ],
      { ...xnorParams(x), ...lifParams(s.lif), OWidth: s.oWidth },
      meta,
    ),
    module: attnHeadModule(s),
    engine: xnorAttentionModule(x),
    attnV: attnVModule(s),
    lif: lifArrayModule(s.lif),
    memBus: s.dim * s.lif.width,
    lifMem,
    lifStage: attnLifModule(s),
    neuronLanes: s.fold.neuronLanes,
    // A timestep's score beats (N * ceil(N / lanes)) at least fill the engine's pipeline: V
    // never holds a key back (checked under SPIKEFORGE_ASSERT). Not so for tiny N (N = 2,
    // one beat per row, latency 3), where the engine can issue all of t + 1 while the last
    // beat of t is still in the A·V stage, and V of t + 3 really waits for t's bank.
    vNeverWaits: s.seqLen * x.beats >= x.latency,
  });
  const top = renderTemplate('ssa_head/ssa_head.sv.hbs', {
    header: header(
      ssaHeadModule(s),
      [
        s.fold.headsPerEngine === 1
          ? `Spiking self-attention (SPEC §6), ${s.heads} head(s) of D = ${s.dim} bits in lock-step.`
          : `Spiking self-attention (SPEC §6), ${s.heads} heads of D = ${s.dim} bits on ${s.fold.engines} engine(s), ${s.fold.headsPerEngine} heads each, head-major.`,
        'Streams: kv (K and V row of a token), q (Q row), y (output spike row), per timestep N',
        'rows each; sequences of T timesteps back to back, LIF state reset at each sequence start.',
      ],
      ssaParams(s),
      meta,
    ),
    module: ssaHeadModule(s),
    head: attnHeadModule(s),
    ...common,
    engines: s.fold.engines,
    folded: s.fold.headsPerEngine > 1,
    dim: s.dim,
    width: s.portWidth,
    // The observation ports (SPIKEFORGE_OBSERVE) come from the harness's stream list, so the
    // two cannot disagree on a name or a width.
    obsPorts: ssaObservePorts(s),
    obsEngines: Array.from({ length: s.fold.engines }, (_, e) => ({ e })),
  });
  return unique([
    ...engine,
    ...lif,
    ...renderRams(s.name, [vPlan], meta),
    { path: `${attnVModule(s)}.sv`, content: attnV, kind: 'sv' },
    ...(attnLif ? [{ path: `${attnLifModule(s)}.sv`, content: attnLif, kind: 'sv' as const }] : []),
    { path: `${attnHeadModule(s)}.sv`, content: head, kind: 'sv' },
    { path: `${ssaHeadModule(s)}.sv`, content: top, kind: 'sv' },
    ...renderBoard(s, ssaHeadModule(s), meta),
  ]);
}

export const ssaHeadGenerator: BlockGenerator<SsaDerived> = { render: renderSsaHead };
