/**
 * The AXI4-Stream wrapper `<top>_axis` (config `axis`, docs/integration.md), rendered from
 * the plan of src/blocks/axis.ts: per input stream a beat counter that checks tlast (and
 * realigns the core to its frames after a wrong one, setting the sticky error_o), per
 * output stream a beat counter that makes tlast, and the core's fields packed into tdata.
 * No register on the data path: latency and throughput are the core's.
 */
import { AXIS_ERROR_FLAG, type AxisPlan, type AxisStream } from '../src/blocks/axis.js';
import { fieldPort, readyPort, validPort } from '../src/blocks/ports.js';
import type { GeneratedFile, RenderMeta } from '../src/render/files.js';
import { header } from '../src/render/header.js';
import { renderTemplate } from '../src/render/templates.js';

const camel = (s: string) => s.replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase());
const clog2 = (x: number) => (x <= 1 ? 0 : Math.ceil(Math.log2(x)));

function streamView(s: AxisStream) {
  return {
    name: s.name,
    camel: camel(s.name),
    param: `${camel(s.name)}TdataW`,
    what: s.what,
    beats: s.beats,
    counted: s.beats > 1,
    lastIndex: s.beats - 1,
    countWidth: clog2(s.beats),
    dataWidth: s.dataWidth,
    padBits: s.tdataWidth - s.dataWidth,
  };
}

export function renderAxis(plan: AxisPlan, meta: RenderMeta): GeneratedFile {
  const ports: [string, string][] = [
    ['clk_i', 'clk_i'],
    ['rst_ni', 'rst_ni'],
  ];
  for (const s of plan.inputs) {
    ports.push([validPort(s.core, 'in'), `${s.name}_valid`], [readyPort(s.core, 'in'), `${s.name}_ready`]);
    for (const f of s.fields) ports.push([fieldPort(f, 'in'), `${s.name}_data[${f.offset} +: ${f.width}]`]);
  }
  for (const s of plan.outputs) {
    ports.push([validPort(s.core, 'out'), `${s.name}_tvalid_o`], [readyPort(s.core, 'out'), `${s.name}_tready_i`]);
    for (const f of s.fields) ports.push([fieldPort(f, 'out'), `${s.name}_data[${f.offset} +: ${f.width}]`]);
  }
  // Observation ports of the core (SPIKEFORGE_OBSERVE builds only): through, same names.
  const obsPorts = plan.observe.flatMap((s) => [{ name: `${s.name}_valid_o`, width: 1 }, ...s.fields.map((f) => ({ name: `${f.port}_o`, width: f.width }))]);
  const pad = Math.max(...ports.map(([a]) => a.length), ...obsPorts.map((o) => o.name.length));
  const conn = ([a, b]: [string, string], last: boolean) => `.${a.padEnd(pad)} (${b})${last ? '' : ','}`;
  const headConnections = ports.slice(0, 2).map((p) => conn(p, false));
  const obsConnections = obsPorts.map((o) => conn([o.name, o.name], false));
  const connections = ports.slice(2).map((p, i, all) => conn(p, i === all.length - 1));
  const all = [...plan.inputs, ...plan.outputs];
  const context = {
    header: header(
      plan.module,
      [
        `AXI4-Stream wrapper of ${plan.core.top} (docs/integration.md): one AXI4-Stream port per`,
        'stream, tdata = the fields packed from bit 0 in field order, zero padding to whole bytes;',
        'tlast on the last beat of every frame; error_o sticky after an input tlast on the wrong beat.',
        "No register on the data path: latency and throughput are the core's.",
      ],
      Object.fromEntries(
        all.map((s) => [
          `${s.name} (${s.dir})`,
          `tdata ${s.tdataWidth} bits (${s.fields.map((f) => `${f.port} [${f.offset + f.width - 1}:${f.offset}]`).join(', ')}), ${s.beats} beat(s) per frame`,
        ]),
      ),
      meta,
    ),
    module: plan.module,
    core: plan.core.top,
    widths: all.map((s) => ({ name: `${camel(s.name)}TdataW`, value: s.tdataWidth })),
    inputs: plan.inputs.map(streamView),
    outputs: plan.outputs.map(streamView),
    errorTerms: plan.inputs.length ? plan.inputs.map((s) => `${s.name}_early || ${s.name}_missing`).join(' || ') : "1'b0",
    headConnections,
    obsConnections,
    hasObs: obsPorts.length > 0,
    obsPorts: obsPorts.map((o) => ({ ...o, wide: o.width > 1 })),
    connections,
    errorDoc: AXIS_ERROR_FLAG.doc,
  };
  return { path: `${plan.module}.sv`, content: renderTemplate('axis/axis.sv.hbs', context), kind: 'sv' };
}
