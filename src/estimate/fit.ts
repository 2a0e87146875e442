/**
 * Non-negative least squares (Lawson & Hanson, "Solving Least Squares Problems", 1974,
 * ch. 23), written out here for the handful of coefficients of a resource model.
 * Rows are weighted by 1 / max(y, floor) so the fit minimises relative error, which is
 * what the estimator is judged on.
 */

/** Solves the square system M x = b by Gaussian elimination with partial pivoting; null if singular. */
function solve(m: number[][], b: number[]): number[] | null {
  const n = b.length;
  const a = m.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (Math.abs(a[p]![c]!) < 1e-12) return null;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}

/** Unconstrained least squares on the columns in `cols` (normal equations, tiny ridge for rank gaps). */
function lsOn(a: number[][], y: number[], cols: number[]): number[] {
  const k = cols.length;
  const ata = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const aty = new Array<number>(k).fill(0);
  for (let r = 0; r < a.length; r++) {
    for (let i = 0; i < k; i++) {
      const ai = a[r]![cols[i]!]!;
      aty[i]! += ai * y[r]!;
      for (let j = 0; j < k; j++) ata[i]![j]! += ai * a[r]![cols[j]!]!;
    }
  }
  const scale = Math.max(1e-9, ...ata.map((row, i) => row[i]!));
  for (let i = 0; i < k; i++) ata[i]![i]! += 1e-10 * scale;
  return solve(ata, aty) ?? new Array<number>(k).fill(0);
}

/** argmin ||A x − y||² subject to x ≥ 0. */
export function nnls(a: number[][], y: number[], maxIter = 200): number[] {
  const n = a[0]?.length ?? 0;
  const x = new Array<number>(n).fill(0);
  const passive = new Set<number>();
  const gradient = () =>
    Array.from({ length: n }, (_, j) => a.reduce((s, row, r) => s + row[j]! * (y[r]! - row.reduce((t, v, k) => t + v * x[k]!, 0)), 0));
  for (let iter = 0; iter < maxIter; iter++) {
    const w = gradient();
    let best = -1;
    for (let j = 0; j < n; j++) if (!passive.has(j) && w[j]! > 1e-9 && (best < 0 || w[j]! > w[best]!)) best = j;
    if (best < 0) break;
    passive.add(best);
    for (let inner = 0; inner < maxIter; inner++) {
      const cols = [...passive].sort((p, q) => p - q);
      const z = lsOn(a, y, cols);
      if (z.every((v) => v > 0)) {
        x.fill(0);
        cols.forEach((c, i) => (x[c] = z[i]!));
        break;
      }
      // Step back towards the feasible region until a coefficient reaches zero.
      let alpha = 1;
      cols.forEach((c, i) => {
        if (z[i]! <= 0) alpha = Math.min(alpha, x[c]! / (x[c]! - z[i]!));
      });
      cols.forEach((c, i) => (x[c] = x[c]! + alpha * (z[i]! - x[c]!)));
      for (const c of cols) if (x[c]! <= 1e-12) (passive.delete(c), (x[c] = 0));
    }
  }
  return x;
}

/**
 * Relative-error NNLS: each row is divided by max(|y|, floor). The default floor, a quarter
 * of the median count (at least 4), keeps a design of a handful of LUTs in a set of
 * larger ones from dominating the fit.
 */
export function fitRelative(a: number[][], y: number[], floor = Math.max(4, (median(y.map(Math.abs)) ?? 0) / 4)): number[] {
  const wa = a.map((row, r) => row.map((v) => v / Math.max(Math.abs(y[r]!), floor)));
  const wy = y.map((v) => v / Math.max(Math.abs(v), floor));
  return nnls(wa, wy);
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((p, q) => p - q);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Signed relative error of an estimate in percent; null when the measured value is 0 and the estimate too. */
export function errorPct(estimate: number, measured: number): number | null {
  if (measured === 0) return estimate === 0 ? 0 : null;
  return ((estimate - measured) / measured) * 100;
}
