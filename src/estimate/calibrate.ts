/**
 * `spikeforge calibrate`: synthesises every block's calibration set (the configs its
 * resource model lists) with Yosys, fits the model's coefficients per synthesis target and
 * resource (non-negative least squares on relative error, src/estimate/fit.ts) and writes
 * them, with the samples and the in-sample error, into calibration/estimator.json.
 * Blocks not named keep their entries, so each block owner can calibrate their own.
 */
import type { BlockName } from '../base/config.js';
import { deriveDesign, generateDesign } from '../design/design.js';
import { PACKAGE_ROOT } from '../base/paths.js';
import { VERSION } from '../base/version.js';
import { resolveConfig } from '../io/config-file.js';
import { writeFileAtomically } from '../io/write.js';
import { runPool } from '../base/pool.js';
import { toolVersion } from '../tools/run.js';
import { synthesize } from '../tools/yosys.js';
import { clearCalibrationCache, loadCalibration, type CalibrationFile, type CalibrationSample, type TargetCalibration } from './calibration.js';
import { errorPct, fitRelative, median } from './fit.js';
import { resourceModelFor } from './index.js';
import { RESOURCES, type EstimateTarget, type Resource } from '../targets/cost.js';

export interface CalibrateOptions {
  blocks: BlockName[];
  targets: EstimateTarget[];
  jobs: number;
  timeoutSeconds: number;
  path: string;
  log: (line: string) => void;
  /**
   * Fit again from the Yosys counts stored in the file (no synthesis): after a change to a
   * model's terms, not to the generated RTL.
   */
  refit?: boolean;
}

interface Measured {
  config: Record<string, unknown>;
  features: Record<Resource, Record<string, number>>;
  priors: Record<Resource, Record<string, number>>;
  measured: Record<Resource, number> & { depth: number | null };
}

const round4 = (v: number) => Math.round(v * 10000) / 10000;
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/** Fits one resource: coefficients for the terms that are non-zero somewhere in the set. */
export function fitResource(samples: Measured[], resource: Resource): Record<string, number> {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.features[resource])))].sort();
  const used = names.filter((n) => samples.some((s) => (s.features[resource][n] ?? 0) !== 0));
  if (!used.length) return {};
  const a = samples.map((s) => used.map((n) => s.features[resource][n] ?? 0));
  const y = samples.map((s) => s.measured[resource]);
  const c = fitRelative(a, y);
  return Object.fromEntries(used.map((n, i) => [n, round4(c[i]!)]));
}

function predict(s: Measured, coefficients: Record<string, number>, resource: Resource): number {
  let v = 0;
  for (const [n, x] of Object.entries(s.features[resource])) v += (coefficients[n] ?? s.priors[resource][n] ?? 0) * x;
  return Math.max(0, Math.round(v));
}

export async function calibrate(opts: CalibrateOptions): Promise<CalibrationFile> {
  const yosys = opts.refit ? '' : await toolVersion('yosys', '-V');
  clearCalibrationCache();
  const file = loadCalibration(opts.path);
  for (const block of opts.blocks) {
    const model = resourceModelFor(block);
    if (!model) continue;
    const set = model.calibrationSet();
    for (const target of opts.targets) {
      let samples: (Measured | null)[];
      let toolLine = yosys;
      const stored = file.blocks[block]?.[target];
      if (opts.refit) {
        if (!stored) {
          opts.log(`${block} / ${target}: no stored samples to refit; run calibrate without --refit`);
          continue;
        }
        toolLine = stored.obtained.yosys;
        samples = stored.samples.map((smp) => {
          const { derived } = deriveDesign(resolveConfig({ name: 'cal', ...smp.config }, PACKAGE_ROOT));
          const terms = model.terms(derived, target);
          return {
            config: smp.config,
            features: Object.fromEntries(RESOURCES.map((res) => [res, Object.fromEntries(terms[res].map((t) => [t.name, t.value]))])) as Measured['features'],
            priors: Object.fromEntries(RESOURCES.map((res) => [res, Object.fromEntries(terms[res].map((t) => [t.name, t.prior]))])) as Measured['priors'],
            measured: smp.measured,
          };
        });
        opts.log(`${block} / ${target}: refitting ${samples.length} stored samples...`);
      } else {
        opts.log(`${block} / ${target}: synthesising ${set.length} configs...`);
        samples = new Array(set.length).fill(null);
      }
      if (!opts.refit) await runPool(
        set.map((raw, i) => ({ raw, i })),
        opts.jobs,
        async ({ raw, i }) => {
          let design;
          let r;
          try {
            design = generateDesign(resolveConfig({ name: 'cal', ...raw }, PACKAGE_ROOT, `${block} calibration config ${i}`));
            r = await synthesize(design.files, design.topModule, target, { timeoutSeconds: opts.timeoutSeconds, cache: true });
          } catch (e) {
            // A config that does not generate or synthesise (or times out) is left out of the fit, and said so.
            opts.log(`  ${i + 1}/${set.length} ${JSON.stringify(raw)}: left out: ${(e as Error).message.split('\n')[0]}`);
            return;
          }
          const terms = model.terms(design.derived, target);
          samples[i] = {
            config: raw,
            features: Object.fromEntries(RESOURCES.map((res) => [res, Object.fromEntries(terms[res].map((t) => [t.name, t.value]))])) as Measured['features'],
            priors: Object.fromEntries(RESOURCES.map((res) => [res, Object.fromEntries(terms[res].map((t) => [t.name, t.prior]))])) as Measured['priors'],
            measured: { luts: r.luts, ffs: r.ffs, carries: r.carries, brams: r.brams, depth: r.depth },
          };
          opts.log(`  ${i + 1}/${set.length} ${JSON.stringify(raw)}: ${r.luts} LUT, ${r.ffs} FF, ${r.carries} carry, ${r.brams} BRAM (${r.seconds.toFixed(1)} s)`);
        },
      );
      const ok = samples.filter((s): s is Measured => s !== null);
      const coefficients = Object.fromEntries(RESOURCES.map((res) => [res, fitResource(ok, res)])) as Record<Resource, Record<string, number>>;
      const out: CalibrationSample[] = ok.map((s) => ({
        config: s.config,
        features: s.features,
        measured: s.measured,
        estimate: Object.fromEntries(RESOURCES.map((res) => [res, predict(s, coefficients[res], res)])) as Record<Resource, number>,
      }));
      const fitError = Object.fromEntries(
        RESOURCES.map((res) => {
          const errs = out.map((s) => errorPct(s.estimate[res], s.measured[res])).filter((e): e is number => e !== null).map(Math.abs);
          // Leave-one-out: each sample predicted by a fit to the others — what to expect on a
          // config outside the set (the in-sample error flatters a model with many terms).
          const loo = ok
            .map((smp, i) => errorPct(predict(smp, fitResource(ok.filter((_, j) => j !== i), res), res), smp.measured[res]))
            .filter((e): e is number => e !== null)
            .map(Math.abs);
          return [
            res,
            {
              medianAbsPct: round1(median(errs)),
              maxAbsPct: errs.length ? round1(Math.max(...errs)) : null,
              leaveOneOutMedianAbsPct: ok.length > 1 ? round1(median(loo)) : null,
            },
          ];
        }),
      ) as TargetCalibration['fitError'];
      const entry: TargetCalibration = {
        obtained: {
          command: `spikeforge calibrate --block ${block} --target ${target}${opts.refit ? ' --refit (from the stored samples)' : ''}`,
          yosys: toolLine,
          generatorVersion: VERSION,
          points: out.length,
          method: 'Yosys cell counts of the calibration set; per resource, non-negative least squares of the terms on relative error (rows divided by max(count, floor), floor = max(4, median count / 4))',
        },
        coefficients,
        fitError,
        samples: out,
      };
      file.blocks[block] = { ...(file.blocks[block] ?? {}), [target]: entry };
      opts.log(
        `${block} / ${target}: median |error| ${RESOURCES.map((res) => `${res} ${fitError[res].medianAbsPct ?? '-'}%`).join(', ')}; leave-one-out LUTs ${fitError.luts.leaveOneOutMedianAbsPct ?? '-'}%`,
      );
    }
  }
  // Stable order: blocks and targets sorted, so the file diffs cleanly.
  const sorted: CalibrationFile = {
    ...file,
    blocks: Object.fromEntries(
      Object.entries(file.blocks)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([b, t]) => [b, Object.fromEntries(Object.entries(t ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)))]),
    ),
  };
  writeFileAtomically(opts.path, `${JSON.stringify(sorted, null, 1)}\n`);
  clearCalibrationCache();
  return sorted;
}
