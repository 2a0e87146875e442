# spikeforge — the two commands that matter on a fresh Debian machine:
#   make demo   set up, generate the default design and co-simulate it bit-exact
#   make test   set up, then run every test (unit, co-simulation, portability, CLI)

SHELL := /bin/bash
NODE_BIN := node_modules/.bin
APT_PACKAGES := verilator yosys iverilog ccache nextpnr-ice40 fpga-icestorm
DEMO_CONFIG ?= examples/demo_ssa_n12.json

PHONY_EXTRA := test-full verify-presets
.PHONY: $(PHONY_EXTRA) setup setup-browser build demo test test-quick bench fuzz mutation clean tools sweep-example sweep-folds calibrate bench-fpga report-screenshot

# Installs what is missing and is a no-op when everything is there.
setup: tools node_modules/.installed build

tools:
	@missing=""; for t in verilator yosys iverilog ccache nextpnr-ice40 icepack; do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing$$missing from Debian's packages"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# dist/ is compiled again only when a TypeScript source, the tsconfig or the packages
# (node_modules/.installed) changed: a warm `make test` skips the 7 s compile.
TS_SOURCES := $(shell find src generators testbenches -name '*.ts') tsconfig.json
build: dist/.built
dist/.built: node_modules/.installed $(TS_SOURCES)
	@$(NODE_BIN)/tsc -p tsconfig.json
	@touch $@

demo: setup
	node bin/spikeforge.js generate $(DEMO_CONFIG)
	node bin/spikeforge.js verify $(DEMO_CONFIG) --vectors 50

test: setup
	$(NODE_BIN)/vitest run

# Debian's Chromium, for the full tier's test of the sweep report in a browser
# (test/report-browser.test.ts) and `make report-screenshot`. Not part of `setup`: `make test`
# does not need a browser. Nothing is downloaded by npm: the test drives /usr/bin/chromium
# over the DevTools protocol on a pipe (test/helpers/browser.ts).
setup-browser:
	@if ! command -v chromium >/dev/null; then \
	  echo "setup-browser: installing chromium from Debian's packages"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# The issues' whole grids (larger N, every configuration, slow Yosys runs): about 30+ minutes.
test-full: setup setup-browser
	SPIKEFORGE_FULL=1 $(NODE_BIN)/vitest run

# Every paper preset in examples/ through `verify` with 200 random sequences (slow for N = 168).
PRESETS := ts_n12_gray ts_n12_log patch_8x8 ts_n168_gray ts_n168_log
verify-presets: setup
	@for p in $(PRESETS); do node bin/spikeforge.js verify examples/$$p.json --vectors 200 || exit 1; done

# Also the engine's Fmax on the iCE40 HX8K (3 nextpnr seeds per variant, ~10 min on 2 cores).
bench: setup
	node --import tsx bench/run.ts
	node --import tsx bench/xnor_fmax.ts

# The fitted folds of the paper presets on the devices (docs/fpga.md): synthesis, nextpnr with
# three seeds, xc7 counts → bench/results/fpga.md. About 10 minutes per config on 2 cores.
bench-fpga: setup
	node --import tsx bench/fpga.ts

clean:
	rm -rf dist rtl-out .cache

# Long verification runs (docs/verification.md). `make test` runs bounded versions of both.
# mutation: 40 seeded mutants per registered block and seed, three seeds (120 distinct mutants
#   per block) through the co-simulation; survivors sorted into not covered / proved or argued
#   equivalent / gaps (Yosys SAT proofs); kill rate with its 95% Clopper-Pearson interval in
#   docs/mutation.md; fails if a block's kill rate is below 95% or it has more than one
#   unexplained survivor.
# fuzz: >= 500 random valid and >= 500 invalid configs (seed printed; replay with
#   SPIKEFORGE_FUZZ_SEED=<seed> make fuzz); a failure is saved to test/fixtures/fuzz-regressions/.
MUTANTS_PER_BLOCK ?= 40
MUTATION_SEEDS ?= 1,2,3
mutation: setup
	node --import tsx src/mutation/main.ts --per-block $(MUTANTS_PER_BLOCK) --seeds $(MUTATION_SEEDS) --jobs 2 --out docs/mutation.md

fuzz: setup
	SPIKEFORGE_FUZZ=long $(NODE_BIN)/vitest run test/fuzz.test.ts

# The example design-space sweep (docs/sweeps.md): synthesis + place-and-route of every point,
# results.csv, results.json and report.html in rtl-out/sweeps/attention-space/. Resumes if interrupted.
SWEEP_EXAMPLE ?= examples/sweep-attention.yaml
sweep-example: setup
	node bin/spikeforge.js sweep $(SWEEP_EXAMPLE) --out rtl-out/sweeps/attention-space

# The fold sweep (docs/fpga.md): the N = 12 preset's folds, area against sequences per second.
sweep-folds: setup
	node bin/spikeforge.js sweep examples/sweep-folds.yaml --out rtl-out/sweeps/fold-space

# The example sweep's report.html re-rendered from its results.json by this renderer, and the
# screenshot of it in docs/sweeps.md (docs/sweep-report.png), taken in headless Chromium.
report-screenshot: setup setup-browser
	node --import tsx bench/report-screenshot.ts

# Refit the resource model's coefficients to Yosys (writes calibration/estimator.json).
calibrate: setup
	node bin/spikeforge.js calibrate
