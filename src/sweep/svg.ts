/**
 * Minimal SVG charts for the sweep report (no libraries, no network): scatter plots with a
 * numeric or categorical x axis, optional lines and a diagonal. Output is a string of SVG.
 */

export interface Mark {
  x: number;
  y: number;
  color: string;
  hollow?: boolean;
  /** Tooltip text. */
  title: string;
  /** Small text next to the mark (below it with labelBelow, so neighbours do not overlap). */
  label?: string;
  labelBelow?: boolean;
  r?: number;
}

export interface Line {
  points: { x: number; y: number }[];
  color: string;
  dash?: string;
  width?: number;
  /** Step line (horizontal then vertical), for Pareto fronts. */
  step?: boolean;
}

export interface PlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Categorical x: tick labels at 0 … n−1. */
  categories?: string[];
  logX?: boolean;
  logY?: boolean;
  marks: Mark[];
  lines?: Line[];
  /** Draw y = x and a ±band (fraction) around it. */
  diagonal?: { band: number };
  legend?: { color: string; label: string; hollow?: boolean }[];
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo / 1.0001 && v <= hi * 1.0001) ticks.push(v);
    }
  }
  return ticks.length >= 2 ? ticks : [lo, hi];
}

export function fmtNum(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a === 0) return '0';
  if (a < 0.01) return v.toExponential(1);
  return `${+v.toPrecision(4)}`;
}

export function scatter(spec: PlotSpec): string {
  const W = spec.width ?? 440;
  // Below the frame, top to bottom: tick labels, the x-axis label, the legend in rows (so it
  // never covers data). Category labels are turned by 30° when long or many and need more
  // room. Each band gets its own height: a browser showed the x-axis label's box running
  // into the legend's first row when both shared one fixed margin.
  const legend = spec.legend ?? [];
  const perRow = Math.max(1, Math.floor((W - 60) / 165));
  const legendRows = Math.ceil(legend.length / perRow);
  const rotate = Boolean(spec.categories && (spec.categories.length > 5 || spec.categories.some((c) => c.length > 6)));
  // A turned label hangs down by half its width (sin 30°) plus its own height; widths are
  // estimated at 6.5 px a character for the 10.5 px tick font (DejaVu Sans, wider than most).
  const longest = Math.max(0, ...(spec.categories ?? []).map((c) => Math.min(c.length, 14)));
  const axisLabelAt = rotate ? Math.max(36, Math.ceil(12 + longest * 6.5 * 0.5 + 9 + 14)) : 36; // baseline of the x-axis label, below the frame
  const legendH = legendRows * 14;
  const H = (spec.height ?? 300) + legendH + (axisLabelAt - 36);
  const m = { l: 58, r: 14, t: 30, b: axisLabelAt + 8 + legendH };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const allX = [...spec.marks.map((k) => k.x), ...(spec.lines ?? []).flatMap((l) => l.points.map((p) => p.x))];
  const allY = [...spec.marks.map((k) => k.y), ...(spec.lines ?? []).flatMap((l) => l.points.map((p) => p.y))];
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(spec.title)}">`);
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" class="pt">${esc(spec.title)}</text>`);
  if (!allX.length) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" class="pe">no data</text></svg>`);
    return parts.join('');
  }
  let xlo: number;
  let xhi: number;
  if (spec.categories) {
    xlo = -0.5;
    xhi = spec.categories.length - 0.5;
  } else {
    xlo = Math.min(...allX);
    xhi = Math.max(...allX);
  }
  let ylo = Math.min(...allY);
  let yhi = Math.max(...allY);
  // Room around the data so marks and their labels are not cut at the frame.
  if (!spec.categories && !spec.logX) {
    const px = (xhi - xlo || Math.abs(xhi) || 1) * 0.06;
    xlo -= xlo >= 0 && xlo - px < 0 ? xlo : px;
    xhi += px;
  }
  if (!spec.logY) yhi += (yhi - Math.min(0, ylo) || Math.abs(yhi) || 1) * 0.08;
  if (spec.diagonal) {
    xlo = ylo = Math.min(xlo, ylo);
    xhi = yhi = Math.max(xhi, yhi);
  }
  const logX = Boolean(spec.logX && !spec.categories && xlo > 0);
  const logY = Boolean(spec.logY && ylo > 0);
  let xTicks: number[];
  if (spec.categories) xTicks = spec.categories.map((_, i) => i);
  else if (logX) {
    xlo /= 1.15;
    xhi *= 1.15;
    xTicks = logTicks(xlo, xhi);
  } else {
    xTicks = niceTicks(xlo, xhi);
    xlo = Math.min(xlo, xTicks[0]!);
    xhi = Math.max(xhi, xTicks[xTicks.length - 1]!);
  }
  let yTicks: number[];
  if (logY) {
    ylo /= 1.15;
    yhi *= 1.15;
    yTicks = logTicks(ylo, yhi);
  } else {
    if (!spec.diagonal) ylo = Math.min(0, ylo);
    yTicks = niceTicks(ylo, yhi);
    ylo = Math.min(ylo, yTicks[0]!);
    yhi = Math.max(yhi, yTicks[yTicks.length - 1]!);
  }
  if (spec.diagonal) {
    xlo = ylo = Math.min(xlo, ylo);
    xhi = yhi = Math.max(xhi, yhi);
    if (!logX) xTicks = yTicks;
  }
  const sx = (v: number) => m.l + (logX ? (Math.log(v) - Math.log(xlo)) / (Math.log(xhi) - Math.log(xlo)) : (v - xlo) / (xhi - xlo || 1)) * pw;
  const sy = (v: number) => m.t + ph - (logY ? (Math.log(v) - Math.log(ylo)) / (Math.log(yhi) - Math.log(ylo)) : (v - ylo) / (yhi - ylo || 1)) * ph;
  const f = (v: number) => v.toFixed(1);

  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" class="pb"/>`);
  for (const t of yTicks) {
    if (t < ylo - 1e-9 || t > yhi + 1e-9) continue;
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${f(sy(t))}" y2="${f(sy(t))}" class="pg"/>`);
    parts.push(`<text x="${m.l - 5}" y="${f(sy(t) + 3.5)}" text-anchor="end" class="tk">${fmtNum(t)}</text>`);
  }
  xTicks.forEach((t, i) => {
    if (t < xlo - 1e-9 || t > xhi + 1e-9) return;
    const x = f(sx(t));
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.t}" y2="${m.t + ph}" class="pg"/>`);
    if (spec.categories) {
      const label = spec.categories[i]!;
      const short = label.length > 14 ? `${label.slice(0, 13)}…` : label;
      parts.push(
        rotate
          ? `<text transform="translate(${x},${m.t + ph + 12}) rotate(-30)" text-anchor="end" class="tk"><title>${esc(label)}</title>${esc(short)}</text>`
          : `<text x="${x}" y="${m.t + ph + 15}" text-anchor="middle" class="tk">${esc(short)}</text>`,
      );
    } else {
      parts.push(`<text x="${x}" y="${m.t + ph + 15}" text-anchor="middle" class="tk">${fmtNum(t)}</text>`);
    }
  });
  parts.push(`<text x="${m.l + pw / 2}" y="${m.t + ph + axisLabelAt}" text-anchor="middle" class="al">${esc(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(13,${m.t + ph / 2}) rotate(-90)" text-anchor="middle" class="al">${esc(spec.yLabel)}</text>`);

  if (spec.diagonal) {
    const a = Math.max(xlo, ylo);
    const b = Math.min(xhi, yhi);
    const band = spec.diagonal.band;
    parts.push(
      `<polygon points="${f(sx(a))},${f(sy(a * (1 + band)))} ${f(sx(b / (1 + band)))},${f(sy(b))} ${f(sx(b))},${f(sy(b))} ${f(sx(b))},${f(sy(b * (1 - band)))} ${f(sx(a))},${f(sy(a * (1 - band)))}" class="band"/>`,
    );
    parts.push(`<line x1="${f(sx(a))}" y1="${f(sy(a))}" x2="${f(sx(b))}" y2="${f(sy(b))}" class="diag"/>`);
  }
  for (const l of spec.lines ?? []) {
    if (l.points.length < 2) continue;
    const pts: string[] = [];
    l.points.forEach((p, i) => {
      if (l.step && i > 0) pts.push(`${f(sx(p.x))},${f(sy(l.points[i - 1]!.y))}`);
      pts.push(`${f(sx(p.x))},${f(sy(p.y))}`);
    });
    parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${l.color}" stroke-width="${l.width ?? 1.5}"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}/>`);
  }
  // Larger marks (the Pareto front) are painted last and the labels after every mark: in a
  // browser, marks painted later covered the front's marks and hid a label (#18 of the
  // example sweep) under their neighbours. The sort is stable, so the order stays the data's.
  const byRadius = [...spec.marks].sort((a, b) => (a.r ?? 4) - (b.r ?? 4));
  for (const k of byRadius) {
    const style = k.hollow ? `fill="white" stroke="${k.color}" stroke-width="1.5"` : `fill="${k.color}" stroke="white" stroke-width="0.8"`;
    parts.push(`<circle cx="${f(sx(k.x))}" cy="${f(sy(k.y))}" r="${k.r ?? 4}" ${style}><title>${esc(k.title)}</title></circle>`);
  }
  for (const k of byRadius) {
    const r = k.r ?? 4;
    if (k.label) parts.push(`<text x="${f(sx(k.x) + r + 2)}" y="${f(k.labelBelow ? sy(k.y) + r + 9 : sy(k.y) - r)}" class="ml">${esc(k.label)}</text>`);
  }
  legend.forEach((it, i) => {
    const x = 20 + (i % perRow) * 165;
    const y = m.t + ph + axisLabelAt + 8 + 10 + Math.floor(i / perRow) * 14;
    const style = it.hollow ? `fill="white" stroke="${it.color}" stroke-width="1.5"` : `fill="${it.color}"`;
    const label = it.label.length > 26 ? `${it.label.slice(0, 25)}…` : it.label;
    parts.push(`<circle cx="${x}" cy="${y - 3.5}" r="3.5" ${style}/><text x="${x + 8}" y="${y}" class="lg"><title>${esc(it.label)}</title>${esc(label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
