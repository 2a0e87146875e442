/** The synthesis targets by name. */
import { generic } from './generic.js';
import { ice40 } from './ice40.js';
import { xc7 } from './xc7.js';
import type { Target, TargetName } from './types.js';

export const TARGETS: Record<TargetName, Target> = { ice40, generic, xc7 };

export function targetFor(name: TargetName): Target {
  return TARGETS[name];
}

export { TARGET_NAMES, type Target, type TargetName } from './types.js';
