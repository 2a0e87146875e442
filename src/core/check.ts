/** `check`: a vector file's expected values against the golden model and, optionally, the RTL. */
import { cosimCompare, failWithWaveform } from '../cosim/cosim.js';
import { MismatchError } from './errors.js';
import { formatMismatch } from '../vectors/compare.js';
import { asStimulus, countExpectedValues, firstCaseMismatch, modelOutputs, type VectorFile } from '../vectors/file.js';

export interface CheckOptions {
  rtl: boolean;
  traceDir: string;
  seed: number;
  log?: (line: string) => void;
}

export interface CheckReport {
  cases: number;
  values: number;
  rtl: { cacheHit: boolean; buildSeconds: number; cycles: number } | null;
}

export async function checkVectorFile(vf: VectorFile, opts: CheckOptions): Promise<CheckReport> {
  const log = opts.log ?? (() => {});
  const model = modelOutputs(vf);
  const m = firstCaseMismatch(vf, model, 'model');
  if (m) throw new MismatchError(`golden model differs from the file: ${formatMismatch(m.caseName, m.mismatch)}`);
  const report: CheckReport = { cases: vf.cases.length, values: countExpectedValues(vf), rtl: null };
  log(`golden model: ${report.cases} cases, ${report.values} expected values match`);
  if (!opts.rtl) return report;

  // The RTL is compared with the file's expected values where present, and with the model
  // everywhere else (a case without `expected` still has to agree with the model).
  const expected = vf.cases.map((c, i) => ({ ...model[i], ...(c.expected ?? {}) }));
  const cases = asStimulus(vf);
  log('co-simulating under Verilator with random input gaps and back-pressure...');
  const check = await cosimCompare(vf.design, cases, expected, { seed: opts.seed, pValid: 0.7, pReady: 0.7 });
  if (check.fault || check.mismatch) await failWithWaveform(vf.design, cases, check, opts.traceDir, 'check');
  report.rtl = { cacheHit: check.model.cacheHit, buildSeconds: check.model.seconds, cycles: check.run.cycles };
  return report;
}
