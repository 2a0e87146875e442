/**
 * The estimator registry: one analytic resource model per block name, the counterpart of
 * src/blocks/index.ts. A block without a model here is still generated, synthesised and
 * swept; only its estimate is missing (reported as such). To add a model, write
 * src/estimate/blocks/<block>.ts (see gray_rom.ts for the shape), add it below, then run
 * `spikeforge calibrate --block <block>` to fit its coefficients.
 */
import type { ResolvedConfig } from '../blocks/types.js';
import { BLOCK_NAMES, type BlockName } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { deriveDesign } from '../core/generate.js';
import { loadCalibration, type CalibrationFile } from './calibration.js';
import { RESOURCES, type AnyResourceModel, type EstimateTarget, type Rate, type Resource } from './model.js';
import { grayRomModel } from './blocks/gray_rom.js';
import { xnorAttentionModel } from './blocks/xnor_attention.js';
import { lifArrayModel } from './blocks/lif_array.js';
import { logPeBiasModel } from './blocks/logpe_bias.js';
import { ssaHeadModel } from './blocks/ssa_head.js';

export const resourceModels: Partial<Record<BlockName, AnyResourceModel>> = {
  gray_rom: grayRomModel,
  logpe_bias: logPeBiasModel,
  xnor_attention: xnorAttentionModel,
  lif_array: lifArrayModel,
  ssa_head: ssaHeadModel,
};

export function resourceModelFor(block: BlockName): AnyResourceModel | null {
  return resourceModels[block] ?? null;
}

export function blocksWithModels(): BlockName[] {
  return BLOCK_NAMES.filter((b) => resourceModels[b]);
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
    memoryBits: model.memoryBits(derived),
    rate: model.rate(derived),
    calibrated,
    terms: rows,
  };
}

/** Estimate for a resolved config; throws ConfigError for config errors or a block without a model. */
export function estimateConfig(cfg: ResolvedConfig, target: EstimateTarget, calibration?: CalibrationFile): ResourceEstimate {
  const { derived } = deriveDesign(cfg);
  const model = resourceModelFor(cfg.top);
  if (!model) {
    const have = blocksWithModels().join(', ') || 'none';
    throw new ConfigError('top', cfg.top, `no resource model for this block yet (src/estimate/blocks/); models exist for: ${have}`);
  }
  return estimateDerived(model, derived, target, calibration);
}
