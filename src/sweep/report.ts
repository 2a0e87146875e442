/**
 * report.html: one self-contained file (inline CSS, inline SVG, a few lines of inline
 * script for sorting; nothing fetched from the network). Shows the status of every point,
 * area against each swept parameter, Fmax, throughput against area with the Pareto front,
 * and the estimator's error against Yosys.
 */
import { isAbsolute, relative } from 'node:path';
import { canonicalJson } from '../base/hash.js';
import { writeFileAtomically } from '../io/write.js';
import { areaOf, throughputOf, type PointResult, type SweepResults } from './results.js';
import { esc, fmtNum, scatter, type Mark } from './svg.js';
import { DEFAULT_SPIKE_RATE } from '../estimate/operations.js';

/** Okabe–Ito palette (distinguishable with colour-vision deficiencies). */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const STATUS_COLOR: Record<string, string> = { ok: '#1a7f37', estimated: '#6e7781', invalid: '#9a6700', failed: '#cf222e', timeout: '#8250df', 'not-run': '#afb8c1' };

function valueText(v: unknown): string {
  return typeof v === 'string' ? v : canonicalJson(v);
}

function describe(p: PointResult): string {
  return Object.entries(p.values)
    .map(([k, v]) => `${k}=${valueText(v)}`)
    .join(', ');
}

/** The axis used to colour points: one with few values, not the x axis of the panel. */
function colourAxis(r: SweepResults, xKey: string | null): { key: string; values: string[] } | null {
  const a = r.sweep.axes.find((x) => x.key !== xKey && x.values.length <= PALETTE.length && x.values.length > 1);
  return a ? { key: a.key, values: a.values.map(valueText) } : null;
}

function colourOf(p: PointResult, axis: { key: string; values: string[] } | null): string {
  if (!axis) return PALETTE[0]!;
  const i = axis.values.indexOf(valueText(p.values[axis.key]));
  return PALETTE[i < 0 ? 0 : i]!;
}

function legendFor(axis: { key: string; values: string[] } | null, extra: { color: string; label: string; hollow?: boolean }[] = []) {
  return [...(axis ? axis.values.map((v, i) => ({ color: PALETTE[i]!, label: `${axis.key} = ${v}` })) : []), ...extra];
}

/** Spreads the points of one category evenly over ±0.22 so they do not hide each other. */
function jitter(points: PointResult[], key: string, cats: string[]): Map<number, number> {
  const at = new Map<number, number>();
  cats.forEach((c, ci) => {
    const here = points.filter((p) => valueText(p.values[key]) === c);
    here.forEach((p, j) => at.set(p.index, ci + (here.length > 1 ? -0.22 + (0.44 * j) / (here.length - 1) : 0)));
  });
  return at;
}

function wideRange(values: number[]): boolean {
  const pos = values.filter((v) => v > 0);
  return pos.length > 1 && Math.max(...pos) / Math.min(...pos) > 30;
}

function axisPanels(r: SweepResults, metric: 'area' | 'fmax'): string[] {
  const panels: string[] = [];
  for (const axis of r.sweep.axes) {
    const cats = axis.values.map(valueText);
    const colour = colourAxis(r, axis.key);
    const pts = r.points.filter((p) => (metric === 'area' ? areaOf(p) !== null : p.metrics.fmaxMHz !== null));
    const xs = jitter(pts, axis.key, cats);
    const marks: Mark[] = pts.map((p) => {
      const synthesised = p.synth !== null;
      const y = metric === 'area' ? areaOf(p)! : p.metrics.fmaxMHz!;
      return {
        x: xs.get(p.index)!,
        y,
        color: colourOf(p, colour),
        hollow: metric === 'area' && !synthesised,
        title: `#${p.index} ${describe(p)}: ${metric === 'area' ? `${y} LUTs${synthesised ? '' : ' (estimate)'}` : `${y} MHz`}`,
      };
    });
    // Median per category of the synthesised values: the trend along this axis.
    const medians = cats
      .map((c, ci) => {
        const ys = pts
          .filter((p) => valueText(p.values[axis.key]) === c && (metric === 'fmax' || p.synth))
          .map((p) => (metric === 'area' ? p.synth!.luts : p.metrics.fmaxMHz!))
          .sort((a, b) => a - b);
        return ys.length ? { x: ci, y: ys.length % 2 ? ys[ys.length >> 1]! : (ys[ys.length / 2 - 1]! + ys[ys.length / 2]!) / 2 } : null;
      })
      .filter((v): v is { x: number; y: number } => v !== null);
    const lutName = r.sweep.synth.target === 'ice40' ? 'SB_LUT4' : r.sweep.synth.target === 'xc7' ? 'LUT' : 'LUT6';
    const extra = metric === 'area' && pts.some((p) => !p.synth) ? [{ color: '#444', label: 'estimate (not synthesised)', hollow: true }] : [];
    panels.push(
      scatter({
        title: `${metric === 'area' ? 'Area' : 'Fmax'} against ${axis.key}`,
        xLabel: axis.key,
        yLabel: metric === 'area' ? `${lutName} (Yosys)` : `Fmax, MHz (${r.points.find((p) => p.pnr)?.pnr?.device ?? ''})`,
        categories: cats,
        logY: metric === 'area' && wideRange(marks.map((k) => k.y)),
        marks,
        lines: medians.length > 1 ? [{ points: medians, color: '#888', dash: '4 3', width: 1.2 }] : [],
        legend: legendFor(colour, extra),
      }),
    );
  }
  return panels;
}

function throughputPanel(r: SweepResults): string {
  const basis = r.summary.throughputBasis;
  const pts = r.points.filter((p) => areaOf(p) !== null && throughputOf(p, basis) !== null);
  const item = pts.find((p) => p.metrics.item)?.metrics.item ?? 'items';
  const colour = colourAxis(r, null);
  const front = new Set(r.summary.pareto);
  const marks: Mark[] = pts.map((p) => ({
    x: areaOf(p)!,
    y: throughputOf(p, basis)!,
    color: colourOf(p, colour),
    hollow: !p.synth,
    r: front.has(p.index) ? 5.5 : 3.5,
    label: front.has(p.index) ? `#${p.index}` : undefined,
    // Alternate above and below along the front so close neighbours stay readable.
    labelBelow: r.summary.pareto.indexOf(p.index) % 2 === 1,
    title: `#${p.index} ${describe(p)}: ${areaOf(p)} LUTs, ${fmtNum(throughputOf(p, basis)!)} ${item}/${basis === 'per-second' ? 's' : 'cycle'}${front.has(p.index) ? ' (Pareto)' : ''}`,
  }));
  const frontPts = r.summary.pareto
    .map((i) => pts.find((p) => p.index === i))
    .filter((p): p is PointResult => p !== undefined)
    .map((p) => ({ x: areaOf(p)!, y: throughputOf(p, basis)! }));
  return scatter({
    title: 'Throughput against area — Pareto front',
    xLabel: `area: ${r.sweep.synth.target === 'ice40' ? 'SB_LUT4' : r.sweep.synth.target === 'xc7' ? 'LUT' : 'LUT6'} (Yosys; hollow: estimate)`,
    yLabel: basis === 'per-second' ? `${item} per second (Fmax × ${item}/cycle)` : `${item} per clock cycle`,
    width: 600,
    height: 360,
    logX: wideRange(marks.map((k) => k.x)),
    logY: wideRange(marks.map((k) => k.y)),
    marks,
    lines: [{ points: frontPts, color: '#cf222e', step: true, width: 1.5 }],
    legend: legendFor(colour, [{ color: '#cf222e', label: 'Pareto front' }]),
  });
}

function estimatorPanel(r: SweepResults): string {
  const pts = r.points.filter((p) => p.synth && p.estimate);
  const colour = colourAxis(r, null);
  const marks: Mark[] = pts.map((p) => ({
    x: p.synth!.luts,
    y: p.estimate!.luts,
    color: colourOf(p, colour),
    title: `#${p.index} ${describe(p)}: Yosys ${p.synth!.luts}, estimate ${p.estimate!.luts} LUTs (${p.metrics.lutErrorPct === null ? '-' : `${p.metrics.lutErrorPct > 0 ? '+' : ''}${p.metrics.lutErrorPct}%`})`,
  }));
  const all = marks.flatMap((k) => [k.x, k.y]);
  return scatter({
    title: 'Estimator: estimated against Yosys LUTs (band ±10%)',
    xLabel: 'Yosys LUTs',
    yLabel: 'estimated LUTs',
    width: 440,
    height: 360,
    logX: wideRange(all),
    logY: wideRange(all),
    marks,
    diagonal: { band: 0.1 },
    legend: legendFor(colour),
  });
}

function cell(v: unknown, numeric = false, cls = ''): string {
  if (v === null || v === undefined || v === '') return `<td class="${cls}" data-v=""></td>`;
  const text = typeof v === 'number' ? fmtNum(v) : String(v);
  return `<td class="${numeric ? `n ${cls}` : cls}" data-v="${esc(String(v))}">${esc(text)}</td>`;
}

function table(r: SweepResults): string {
  const front = new Set(r.summary.pareto);
  const axes = r.sweep.axes.map((a) => a.key);
  const generic = r.sweep.synth.target === 'generic';
  const pnr = r.points.some((p) => p.pnr);
  const verify = r.points.some((p) => p.verify);
  const ops = r.points.some((p) => p.operations);
  const sops = r.points.some((p) => (p.operations?.synapticOps ?? 0) > 0);
  const heads: [string, boolean][] = [
    ['#', true],
    ['status', false],
    ...axes.map((a): [string, boolean] => [a, false]),
    [generic ? 'LUT6' : r.sweep.synth.target === 'xc7' ? 'LUT' : 'LUT4', true],
    ['FF', true],
    ...(generic ? [['depth', true] as [string, boolean]] : [['carry', true] as [string, boolean], ['BRAM', true] as [string, boolean]]),
    ...(pnr ? [['Fmax MHz', true] as [string, boolean], ['LCs', true] as [string, boolean]] : []),
    ['items/cycle', true],
    ['throughput /s', true],
    ['est. LUT', true],
    ['est. FF', true],
    ['LUT err %', true],
    ['Pareto', false],
    ...(sops ? [['SOPs/seq', true] as [string, boolean]] : []),
    ...(ops ? [['ops/seq', true] as [string, boolean], ['energy pJ/seq', true] as [string, boolean]] : []),
    ...(verify ? [['cycles', true] as [string, boolean]] : []),
    ['s', true],
    ['message', false],
  ];
  const rows = r.points.map((p) => {
    const err = p.metrics.lutErrorPct;
    const errCls = err === null ? '' : Math.abs(err) <= 10 ? 'good' : Math.abs(err) <= 25 ? 'warn' : 'bad';
    const cells = [
      cell(p.index, true),
      `<td data-v="${p.status}"><span class="st" style="background:${STATUS_COLOR[p.status] ?? '#999'}">${p.status}</span>${p.stage && p.status !== 'ok' && p.status !== 'estimated' ? ` <small>${esc(p.stage)}</small>` : ''}</td>`,
      ...axes.map((a) => cell(valueText(p.values[a]))),
      cell(p.synth?.luts, true),
      cell(p.synth?.ffs, true),
      ...(generic ? [cell(p.synth?.depth, true)] : [cell(p.synth?.carries, true), cell(p.synth?.brams, true)]),
      ...(pnr ? [cell(p.pnr?.fmaxMHz ?? (p.pnr ? p.pnr.status : null), p.pnr?.fmaxMHz !== undefined && p.pnr?.fmaxMHz !== null), cell(p.pnr?.lcs, true)] : []),
      cell(p.metrics.itemsPerCycle, true),
      cell(p.metrics.throughput === null ? null : Math.round(p.metrics.throughput), true),
      cell(p.estimate?.luts, true),
      cell(p.estimate?.ffs, true),
      cell(err, true, errCls),
      `<td data-v="${front.has(p.index) ? 1 : 0}" class="c">${front.has(p.index) ? '★' : ''}</td>`,
      ...(sops ? [cell(p.operations?.synapticOps, true)] : []),
      ...(ops ? [cell(p.operations?.totalOps, true), cell(p.operations?.energyPj, true)] : []),
      ...(verify ? [cell(p.verify?.measuredCycles, true)] : []),
      cell(p.seconds, true),
      `<td class="msg" title="${esc(p.message ?? '')}">${esc((p.message ?? '').split('\n')[0]!.slice(0, 140))}</td>`,
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  const th = heads.map(([h, num], i) => `<th data-i="${i}" data-num="${num ? 1 : 0}" title="click to sort">${esc(h)}</th>`).join('');
  return `<table id="pts"><thead><tr>${th}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

// The table scrolls inside its own box (.tw, at most 85% of the window high) so that its
// sticky header works: a sticky element sticks to its nearest scrolling ancestor, and with
// only overflow-x on .tw that box was it but never scrolled vertically, so in a browser the
// header went off the top of the window with the rows.
const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.sub{color:#57606a;margin:0 0 14px}.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;min-width:120px}.card b{display:block;font-size:20px}
.card span{color:#57606a;font-size:12px}.grid{display:flex;flex-wrap:wrap;gap:12px}
svg{border:1px solid #eaeef2;border-radius:6px;background:#fff}.pt{font-size:13px;font-weight:600}.tk{font-size:10.5px;fill:#57606a}
.al{font-size:11.5px;fill:#24292f}.lg{font-size:10.5px;fill:#24292f}.ml{font-size:9.5px;fill:#cf222e;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}.pe{fill:#8c959f}
.pb{fill:#fff;stroke:#d0d7de}.pg{stroke:#eaeef2}.diag{stroke:#57606a;stroke-dasharray:4 3}.band{fill:#dafbe1;opacity:.7}
table{border-collapse:collapse;font-size:12.5px;margin-top:8px}th,td{border:1px solid #d0d7de;padding:3px 7px;white-space:nowrap}
th{background:#f6f8fa;cursor:pointer;position:sticky;top:0}th.asc:after{content:" ▲"}th.desc:after{content:" ▼"}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.c{text-align:center;color:#cf222e}
td.msg{max-width:420px;overflow:hidden;text-overflow:ellipsis;color:#57606a}
.st{color:#fff;border-radius:10px;padding:0 7px;font-size:11.5px}.good{background:#dafbe1}.warn{background:#fff8c5}.bad{background:#ffebe9}
.tw{overflow:auto;max-width:100%;max-height:85vh}.note{color:#57606a;font-size:12.5px;max-width:980px}code{background:#f6f8fa;padding:0 3px;border-radius:3px}`;

const SCRIPT = `
(function(){var t=document.getElementById('pts');if(!t)return;var ths=t.tHead.rows[0].cells;
for(var i=0;i<ths.length;i++)(function(th){th.addEventListener('click',function(){
var idx=+th.dataset.i,num=th.dataset.num==='1',dir=th.classList.contains('asc')?-1:1;
for(var k=0;k<ths.length;k++)ths[k].classList.remove('asc','desc');th.classList.add(dir>0?'asc':'desc');
var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=a.cells[idx].dataset.v,y=b.cells[idx].dataset.v;
if(x===''&&y!=='')return 1;if(y===''&&x!=='')return -1;
if(num){var fx=parseFloat(x),fy=parseFloat(y);var nx=isNaN(fx),ny=isNaN(fy);if(nx!==ny)return nx?1:-1;if(!nx&&fx!==fy)return (fx-fy)*dir;}
return x<y?-dir:x>y?dir:0;});rows.forEach(function(r){body.appendChild(r);});});})(ths[i]);})();`;

/** The sweep file relative to the current folder when it is inside it (reports get shared). */
function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export function renderReport(r: SweepResults): string {
  const s = r.summary;
  const c = s.counts;
  const basis = s.throughputBasis;
  const item = r.points.find((p) => p.metrics.item)?.metrics.item ?? 'items';
  const pnrDevice = r.points.find((p) => p.pnr)?.pnr?.device;
  const best = r.points
    .filter((p) => throughputOf(p, basis) !== null)
    .reduce<PointResult | null>((a, p) => (a === null || throughputOf(p, basis)! > throughputOf(a, basis)! ? p : a), null);
  const cards = [
    [`${s.points}${r.sweep.shards ? ` of ${r.sweep.totalPoints}` : ''}`, 'points'],
    [`${c.ok}`, 'ok'],
    [`${c.estimated}`, 'estimated only'],
    [`${c.invalid}`, 'invalid configs'],
    [`${c.failed}`, 'failed'],
    [`${c.timeout}`, 'timed out'],
    ...(c['not-run'] ? [[`${c['not-run']}`, 'not run (stopped)']] : []),
    [s.estimator.medianAbsLutErrorPct === null ? '–' : `${s.estimator.medianAbsLutErrorPct}%`, `estimator median |LUT error| (${s.estimator.compared} points)`],
    [`${s.pareto.length}`, 'Pareto points'],
    [best ? `${fmtNum(throughputOf(best, basis)!)}` : '–', best ? `best ${item}/${basis === 'per-second' ? 's' : 'cycle'} (#${best.index})` : 'throughput'],
  ];
  const energies = r.points.map((p) => p.operations?.energyPj).filter((v): v is number => v !== undefined && v !== null);
  if (energies.length) {
    const lo = Math.min(...energies);
    const hi = Math.max(...energies);
    cards.push([lo === hi ? fmtNum(lo) : `${fmtNum(lo)}–${fmtNum(hi)}`, 'pJ per sequence: arithmetic energy (estimate)']);
  }
  const areaPanels = axisPanels(r, 'area');
  const fmaxPanels = r.points.some((p) => p.metrics.fmaxMHz !== null) ? axisPanels(r, 'fmax') : [];
  const sy = r.sweep.synth;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>spikeforge sweep: ${esc(r.sweep.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head><body>
<h1>Sweep <code>${esc(r.sweep.name)}</code></h1>
<p class="sub">${esc(shownPath(r.sweep.file))} · ${r.sweep.axes.map((a) => `${esc(a.key)} ∈ {${a.values.map((v) => esc(valueText(v))).join(', ')}}`).join(' × ')} · synthesis ${esc(sy.target)}${sy.pnr ? ` + nextpnr (${esc(pnrDevice ?? sy.device)}, seed ${sy.seed})` : ''}, --synth ${esc(r.sweep.synthMode)}${r.sweep.verify ? `, co-simulation ${r.sweep.verify} vectors per point` : ''}${r.sweep.shards ? ` · shards ${r.sweep.shards.join(', ')}` : ''}</p>
<div class="cards">${cards.map(([v, l]) => `<div class="card"><b>${esc(v!)}</b><span>${esc(l!)}</span></div>`).join('')}</div>
<h2>Throughput and area</h2>
<div class="grid">${throughputPanel(r)}${estimatorPanel(r)}</div>
<p class="note">Throughput is ${basis === 'per-second' ? `Fmax (nextpnr, post-route) × ${esc(item)} per clock` : `${esc(item)} per clock cycle at full rate (no Fmax for every point; run the sweep with <code>synth: {pnr: true}</code> for ${esc(item)} per second)`}. The Pareto front holds the points that no other point beats on both area (fewer LUTs) and throughput. Estimator error = (estimate − Yosys) / Yosys; the median of its absolute value over the synthesised points is ${s.estimator.medianAbsLutErrorPct === null ? 'not available' : `<b>${s.estimator.medianAbsLutErrorPct}%</b> for LUTs${s.estimator.medianAbsFfErrorPct === null ? '' : ` and ${s.estimator.medianAbsFfErrorPct}% for flip-flops`}, the largest ${s.estimator.maxAbsLutErrorPct}%`}.</p>
<h2>Area against each swept parameter</h2>
<div class="grid">${areaPanels.join('')}</div>
${fmaxPanels.length ? `<h2>Fmax against each swept parameter</h2><div class="grid">${fmaxPanels.join('')}</div>` : ''}
<h2>Points</h2>
<p class="note">Click a column header to sort. Hover a message for the whole text. Dashed grey lines in the plots connect the medians per value.${energies.length ? ` <b>ops/seq</b> and <b>energy pJ/seq</b> are per sequence (one inference of T timesteps): the operations of the design's arithmetic (XNOR-popcount bit operations, synaptic accumulates <b>SOPs</b> of A·V, adds, LIF updates) and their energy from 45 nm per-operation figures (Horowitz, ISSCC 2014) — an <b>estimate</b> of the arithmetic, not a measurement, and not the energy of the FPGA; counts that depend on data use an assumed spike rate of ${esc(String(r.sweep.spikeRate ?? DEFAULT_SPIKE_RATE))} (docs/energy.md).` : ''}</p>
<div class="tw">${table(r)}</div>
<script>${SCRIPT}</script>
</body></html>
`;
}

export function writeReport(path: string, r: SweepResults): void {
  writeFileAtomically(path, renderReport(r));
}
