/**
 * A test's own run of a tool (its independent Yosys or nextpnr invocation, the reference a
 * report is compared with), cached by content like the product's tool runs
 * (src/tools/check-cache.ts): the same files, the same script or arguments and the same tool
 * versions give the same output, so a warm `make test` reads it instead of running the tool
 * again. Only the raw output is stored; the test parses it every time.
 */
import type { GeneratedFile } from '../../src/render/files.js';
import { cachedCheck, designKey } from '../../src/tools/check-cache.js';
import { toolVersion } from '../../src/tools/run.js';

/** `how`: the script or arguments the run uses (part of the key). Both tools' versions are in the key. */
export async function referenceRun(name: string, files: readonly GeneratedFile[], how: unknown, run: () => Promise<string>): Promise<string> {
  const versions = [await toolVersion('yosys', '-V'), await toolVersion('nextpnr-ice40', '--version')];
  return cachedCheck(`reference-${name}`, { design: designKey(files, ''), how, versions }, run);
}
