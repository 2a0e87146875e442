/**
 * Test tiers. `make test` (CI) runs the bounded tier: every block, every check kind, every
 * reference file, within a few minutes on 2 cores. `make test-full` (SPIKEFORGE_FULL=1)
 * adds the issues' whole grids: larger N, more configurations, the slow Yosys runs.
 */
export const FULL = process.env['SPIKEFORGE_FULL'] === '1';

/** Label suffix so a skipped full-tier test says why it was skipped. */
export const FULL_ONLY = ' [full tier: make test-full]';
