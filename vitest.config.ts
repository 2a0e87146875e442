import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Verilator builds are CPU-bound and the machines have 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    // Test files run one after another in the same two worker processes, which import the
    // sources once instead of once per file: a warm `make test` took 100 s isolated, 75 s
    // not. The price is a rule, checked by test/architecture.test.ts: a test file leaves
    // the process as it found it (no process.env changes, no module mocks; a chdir is
    // undone in a finally).
    isolate: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
