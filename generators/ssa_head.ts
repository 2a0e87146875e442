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

function attnHeadModule(s: SsaDerived): string {
  return `${s.name}_attn_head`;
}
function attnVModule(s: SsaDerived): string {
  return `${s.name}_attn_v`;
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
  };
  const attnV = renderTemplate('ssa_head/attn_v.sv.hbs', {
    ...common,
    header: header(
      attnVModule(s),
      [
        'A·V stage of the attention head (SPEC §4): O[i][c] = sum over j of S[i][j] * v_j[c].',
        'V rows in a three-bank buffer (later timesteps load while this one is summed);',
        'one score beat per clock; one O row leaves per query row, 1 cycle after its last beat.',
      ],
      { N: s.seqLen, D: s.dim, Lanes: x.lanes, ScoreWidth: x.scoreWidth, OWidth: s.oWidth, RowsPerBank: s.rowsPad },
      meta,
    ),
    module: attnVModule(s),
    seqLen: s.seqLen,
    scoreWidth: x.scoreWidth,
    oWidth: s.oWidth,
    rowsPad: s.rowsPad,
    addrWidth: s.addrWidth,
  });
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
  });
  const top = renderTemplate('ssa_head/ssa_head.sv.hbs', {
    header: header(
      ssaHeadModule(s),
      [
        `Spiking self-attention (SPEC §6), ${s.heads} head(s) of D = ${s.dim} bits in lock-step.`,
        'Streams: kv (K and V row of a token), q (Q row), y (output spike row), per timestep N',
        'rows each; sequences of T timesteps back to back, LIF state reset at each sequence start.',
      ],
      ssaParams(s),
      meta,
    ),
    module: ssaHeadModule(s),
    head: attnHeadModule(s),
    heads: s.heads,
    dim: s.dim,
    width: s.width,
  });
  return [
    ...engine,
    ...lif,
    { path: `${attnVModule(s)}.sv`, content: attnV, kind: 'sv' },
    { path: `${attnHeadModule(s)}.sv`, content: head, kind: 'sv' },
    { path: `${ssaHeadModule(s)}.sv`, content: top, kind: 'sv' },
  ];
}

export const ssaHeadGenerator: BlockGenerator<SsaDerived> = { render: renderSsaHead };
