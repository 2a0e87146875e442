/**
 * The estimator's calibration file, calibration/estimator.json: per block and synthesis
 * target, the fitted coefficients, the samples they were fitted on (config + Yosys counts)
 * and how they were obtained. Written by `spikeforge calibrate`, read by every estimate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../base/paths.js';
import { InputFileError } from '../base/errors.js';
import type { BlockName } from '../base/config.js';
import type { EstimateTarget, Resource } from '../targets/cost.js';

export const CALIBRATION_FORMAT = 'spikeforge.estimator-calibration.v1';
export const DEFAULT_CALIBRATION_PATH = join(PACKAGE_ROOT, 'calibration', 'estimator.json');

export interface CalibrationSample {
  config: Record<string, unknown>;
  /** Feature values per resource and term name. */
  features: Record<Resource, Record<string, number>>;
  measured: Record<Resource, number> & { depth: number | null };
  /** The fitted model's estimate for this sample (in-sample). */
  estimate: Record<Resource, number>;
}

export interface TargetCalibration {
  obtained: {
    command: string;
    yosys: string;
    generatorVersion: string;
    points: number;
    method: string;
  };
  coefficients: Record<Resource, Record<string, number>>;
  /**
   * Error of the fitted model per resource, percent of the Yosys count: in-sample median and
   * largest, and the leave-one-out median (each sample predicted by a fit to the others).
   */
  fitError: Record<Resource, { medianAbsPct: number | null; maxAbsPct: number | null; leaveOneOutMedianAbsPct: number | null }>;
  samples: CalibrationSample[];
}

export interface CalibrationFile {
  format: typeof CALIBRATION_FORMAT;
  description: string;
  blocks: Partial<Record<BlockName, Partial<Record<EstimateTarget, TargetCalibration>>>>;
}

export function emptyCalibration(): CalibrationFile {
  return {
    format: CALIBRATION_FORMAT,
    description:
      'Coefficients of the analytic resource model (src/estimate/blocks/*.ts), fitted by `spikeforge calibrate` ' +
      'to Yosys cell counts of each block\'s calibration set: non-negative least squares on relative error, ' +
      'one fit per block, synthesis target and resource. Terms absent here use their prior coefficient.',
    blocks: {},
  };
}

const loaded = new Map<string, CalibrationFile>();

export function loadCalibration(path = DEFAULT_CALIBRATION_PATH): CalibrationFile {
  const hit = loaded.get(path);
  if (hit) return hit;
  let file = emptyCalibration();
  if (existsSync(path)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new InputFileError('SF_CONFIG_UNREADABLE', `the estimator calibration ${path} is not valid JSON: ${(e as Error).message}`);
    }
    if (!raw || typeof raw !== 'object' || (raw as { format?: unknown }).format !== CALIBRATION_FORMAT) {
      throw new InputFileError('SF_CONFIG_UNREADABLE', `the estimator calibration ${path} is not a ${CALIBRATION_FORMAT} file`);
    }
    file = raw as CalibrationFile;
  }
  loaded.set(path, file);
  return file;
}

/** Forget cached files (after `calibrate` rewrote one). */
export function clearCalibrationCache(): void {
  loaded.clear();
}
