/**
 * The analytic resource estimate: a block's resource model (its `resources` face,
 * src/blocks/<block>/resources.ts) turned into numbers with the fitted coefficients of
 * calibration/estimator.json. To fit a model's coefficients, run
 * `spikeforge calibrate --block <block>`.
 */
import type { BlockName, ResolvedConfig } from '../base/config.js';
import { BLOCK_NAMES } from '../base/config.js';
import { deriveDesign } from '../design/design.js';
import { blockFor } from '../design/registry.js';
import { loadCalibration, type CalibrationFile } from './calibration.js';
import { RESOURCES, type AnyResourceModel, type EstimateTarget, type Rate, type Resource } from '../targets/cost.js';

export function resourceModelFor(block: BlockName): AnyResourceModel {
  return blockFor(block).resources;
}

/** Every block has a resource model (it is one of the block's faces). */
export function blocksWithModels(): BlockName[] {
  return [...BLOCK_NAMES];
}

export interface EstimateTermRow {
  resource: Resource;
  name: string;
  note: string;
  value: number;
  coefficient: number;
  /** "fitted" when the coefficient comes from the calibration file, else "prior". */
  source: 'fitted' | 'prior';
  contribution: number;
}

export interface ResourceEstimate {
  block: BlockName;
  target: EstimateTarget;
  luts: number;
  ffs: number;
  carries: number;
  brams: number;
  /** SB_SPRAM256KA (exact tile count of the SPRAM memories; 0 for blocks without). */
  sprams: number;
  /** Bits held in ROM/RAM arrays. */
  memoryBits: number;
  rate: Rate;
  /** Whether every term with a non-zero value used a fitted coefficient. */
  calibrated: boolean;
  terms: EstimateTermRow[];
}

/** The estimate from derived parameters: Σ coefficient × feature per resource, rounded. */
export function estimateDerived(
  model: AnyResourceModel,
  derived: unknown,
  target: EstimateTarget,
  calibration: CalibrationFile = loadCalibration(),
): ResourceEstimate {
  const fitted = calibration.blocks[model.block]?.[target]?.coefficients;
  const byResource = model.terms(derived, target);
  const rows: EstimateTermRow[] = [];
  const totals = { luts: 0, ffs: 0, carries: 0, brams: 0 } as Record<Resource, number>;
  let calibrated = true;
  for (const resource of RESOURCES) {
    for (const t of byResource[resource]) {
      const c = fitted?.[resource]?.[t.name];
      const coefficient = c ?? t.prior;
      if (c === undefined && t.value !== 0) calibrated = false;
      const contribution = coefficient * t.value;
      totals[resource] += contribution;
      rows.push({ resource, name: t.name, note: t.note, value: t.value, coefficient, source: c === undefined ? 'prior' : 'fitted', contribution });
    }
  }
  return {
    block: model.block,
    target,
    luts: Math.max(0, Math.round(totals.luts)),
    ffs: Math.max(0, Math.round(totals.ffs)),
    carries: Math.max(0, Math.round(totals.carries)),
    brams: Math.max(0, Math.round(totals.brams)),
    sprams: model.sprams?.(derived, target) ?? 0,
    memoryBits: model.memoryBits(derived),
    rate: model.rate(derived),
    calibrated,
    terms: rows,
  };
}

/** Estimate for a resolved config; throws ConfigError for config errors or a block without a model. */
export function estimateConfig(cfg: ResolvedConfig, target: EstimateTarget, calibration?: CalibrationFile): ResourceEstimate {
  const { block, derived } = deriveDesign(cfg);
  return estimateDerived(block.resources, derived, target, calibration);
}
