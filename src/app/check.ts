/** `check`: a vector file's expected values against the golden model and, optionally, the RTL. */
import { cosimCompare, failWithWaveform } from '../cosim/cosim.js';
import { crossCheck } from '../cosim/cross.js';
import { SIMULATORS, type SimulatorName } from '../cosim/simulators.js';
import { InputFileError, MismatchError } from '../base/errors.js';
import { formatMismatch } from '../base/compare.js';
import { asStimulus, checkExpectedShapes, countExpectedValues, firstCaseMismatch, modelOutputs, type VectorFile } from '../vectors/file.js';
import { measureRates, operationsPerSequence, type OperationsEstimate } from '../estimate/operations.js';

/** Which simulator(s) run the RTL: `both` also requires them to agree on every beat and cycle. */
export type CheckSimulator = SimulatorName | 'both';
export const CHECK_SIMULATORS: readonly CheckSimulator[] = ['verilator', 'icarus', 'both'];

export interface CheckOptions {
  rtl: boolean;
  traceDir: string;
  seed: number;
  /** Default `verilator`. */
  sim?: CheckSimulator;
  log?: (line: string) => void;
}

export interface CheckReport {
  cases: number;
  values: number;
  /**
   * Operations and arithmetic energy per sequence at the spike rates of this file's inputs
   * (and the model's output spikes), docs/energy.md; null for blocks without arithmetic per
   * inference.
   */
  operations: OperationsEstimate | null;
  /** `observed`: the internals compared inside the RTL (SPIKEFORGE_OBSERVE), e.g. scores, av, membrane. */
  rtl: { cacheHit: boolean; buildSeconds: number; cycles: number; simulators: SimulatorName[]; observed: string[] } | null;
}

/** Operations per sequence at the spike rates measured on the file's cases. */
export function fileOperations(vf: VectorFile, model: Record<string, unknown>[] = modelOutputs(vf)): OperationsEstimate | null {
  const { config, derived } = vf.design;
  const rates = measureRates(config.top, derived, vf.cases.map((c) => c.inputs), model);
  return operationsPerSequence(config.top, derived, {
    rates,
    source: 'measured',
    note: `spike rates measured on the ${vf.cases.length} case${vf.cases.length === 1 ? '' : 's'} of ${vf.path} (inputs, and the golden model's output spikes)`,
  });
}

export async function checkVectorFile(vf: VectorFile, opts: CheckOptions): Promise<CheckReport> {
  const log = opts.log ?? (() => {});
  const model = modelOutputs(vf);
  checkExpectedShapes(vf, model);
  const values = countExpectedValues(vf);
  // A file without expected values checks nothing on the model; with --rtl the RTL is
  // still compared with the model (a directed-stimulus file).
  if (values === 0 && !opts.rtl) {
    throw new InputFileError(
      'SF_VECTORS_INVALID',
      `${vf.path}: no expected values: the file checks nothing (fill them in with \`spikeforge golden\`, or add --rtl to compare the RTL with the golden model on its inputs)`,
    );
  }
  const m = firstCaseMismatch(vf, model, 'model');
  if (m) throw new MismatchError(`golden model differs from the file: ${formatMismatch(m.caseName, m.mismatch)}`);
  const report: CheckReport = { cases: vf.cases.length, values, operations: fileOperations(vf, model), rtl: null };
  log(values ? `golden model: ${report.cases} cases, ${report.values} expected values match` : `golden model: ${report.cases} cases, no expected values in the file: the RTL is compared with the golden model`);
  if (!opts.rtl) return report;

  // The RTL is compared with the file's expected values where present, and with the model
  // everywhere else (a case without `expected` still has to agree with the model).
  const expected = vf.cases.map((c, i) => ({ ...model[i], ...(c.expected ?? {}) }));
  const cases = asStimulus(vf);
  const settings = { seed: opts.seed, pValid: 0.7, pReady: 0.7 };
  const sim = opts.sim ?? 'verilator';
  if (sim === 'both') {
    log('co-simulating under Verilator and Icarus (same random input gaps and back-pressure)...');
    const cross = await crossCheck(vf.design, cases, expected, settings);
    for (const check of [cross.verilator, cross.icarus]) {
      if (check.fault || check.mismatch) await failWithWaveform(vf.design, cases, check, opts.traceDir, 'check');
    }
    if (cross.disagreement) {
      throw new MismatchError(
        `Verilator and Icarus disagree (both match the expected values): ${cross.disagreement}\n` +
          `  run: seed ${settings.seed}, pValid ${settings.pValid}, pReady ${settings.pReady}`,
      );
    }
    log(`Verilator and Icarus agree on ${cross.beats} output beats, bit for bit and cycle for cycle`);
    const v = cross.verilator;
    report.rtl = { cacheHit: v.build.cacheHit, buildSeconds: v.build.seconds, cycles: v.run.cycles, simulators: ['verilator', 'icarus'], observed: v.observed ?? [] };
    if (v.observed?.length) log(`observed inside the RTL (SPIKEFORGE_OBSERVE): ${v.observed.join(', ')}`);
    return report;
  }
  log(`co-simulating under ${sim === 'icarus' ? 'Icarus' : 'Verilator'} with random input gaps and back-pressure...`);
  const check = await cosimCompare(vf.design, cases, expected, settings, undefined, SIMULATORS[sim]);
  if (check.fault || check.mismatch) await failWithWaveform(vf.design, cases, check, opts.traceDir, 'check');
  report.rtl = { cacheHit: check.build.cacheHit, buildSeconds: check.build.seconds, cycles: check.run.cycles, simulators: [sim], observed: check.observed ?? [] };
  if (check.observed?.length) log(`observed inside the RTL (SPIKEFORGE_OBSERVE): ${check.observed.join(', ')}`);
  return report;
}
