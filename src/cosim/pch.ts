/**
 * A precompiled header for Verilator builds: verilated.h and the C++ library headers every
 * harness includes, compiled once per compiler command (compiler, flags, defines) into the
 * cache folder (`<cache>/pch/<key>/`) and included first by each build's unity.cpp
 * (src/cosim/verilator.ts).
 *
 * Why: every model build parses these headers again. Measured on a 12-token head at -O1,
 * its one translation unit took 2.5 s to compile, 1.6 s with this header precompiled; the
 * header itself takes about 3 s, once per cache and flag set (plain, VCD and FST builds
 * differ in their defines).
 *
 * The flags are Verilator's own: two rules added to the build's makefile (PCH_RULES) print
 * the compile command of a C++ file and compile the header with exactly that command. GCC
 * uses a `.gch` only if it was built with compatible options and parses the header as usual
 * otherwise, so a mismatch could cost time, never a wrong model. The entry is built in a
 * temporary folder and renamed into place, like a model (src/cosim/cache.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, cacheKey, inCache, markUsed } from '../base/cache-dir.js';
import { runTool, toolVersion } from '../tools/run.js';
import { buildCacheEntry, verilatorHost } from './cache.js';

export const PCH_NAME = 'spikeforge_pch.h';

/** What the harness (testbenches/generic.ts) and the model's classes include. */
const PCH_TEXT = ['verilated.h', '<cstdint>', '<cstdio>', '<cstdlib>', '<cstring>', '<fstream>', '<memory>', '<sstream>', '<string>', '<vector>']
  .map((h) => `#include ${h.startsWith('<') ? h : `"${h}"`}`)
  .join('\n');

/**
 * The rules this module needs in the build's makefile (src/cosim/verilator.ts includes them
 * after Verilator's own): the compile command of a C++ file, and the header rule.
 */
export const PCH_RULES = `spikeforge-cxx:
\t@echo '$(CXX) $(CXXFLAGS) $(CPPFLAGS) $(OPT_FAST)'

%.h.gch: %.h
\t$(CXX) $(CXXFLAGS) $(CPPFLAGS) $(OPT_FAST) -x c++-header -c -o $@ $<
`;

const building = new Map<string, Promise<string>>();

/**
 * The path of the precompiled header for the build in `objDir`, built now if the cache does
 * not hold it. `makefile` (in `objDir`) is the build's makefile with PCH_RULES in it, and
 * `makeVars` its make variables: the same ones decide the compile command.
 */
export async function precompiledHeader(objDir: string, makefile: string, makeVars: readonly string[], env: Record<string, string>, what: string, timeoutSeconds: number): Promise<string> {
  const make = (target: string) => runTool('make', ['-s', '--no-print-directory', '-C', objDir, '-f', makefile, ...makeVars, target], what, { timeoutSeconds, env });
  const command = (await make('spikeforge-cxx')).stdout.trim();
  const key = cacheKey({ command, text: PCH_TEXT, verilator: await toolVersion('verilator'), host: await verilatorHost() });
  const root = cacheDir('pch');
  const header = join(root, key, PCH_NAME);
  const complete = (entry: string) => existsSync(join(entry, `${PCH_NAME}.gch`));
  if (complete(join(root, key))) {
    markUsed(join(root, key));
    return header;
  }
  // One build per key in this process; other processes build their own and the first rename wins.
  let pending = building.get(key);
  if (!pending) {
    pending = (async () => {
      await buildCacheEntry(root, key, complete, async (tmp) => {
        inCache(tmp, () => writeFileSync(join(tmp, PCH_NAME), `${PCH_TEXT}\n`));
        await make(join(tmp, `${PCH_NAME}.gch`));
      });
      return header;
    })().finally(() => building.delete(key));
    building.set(key, pending);
  }
  return pending;
}
