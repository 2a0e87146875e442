/** What a generator produces: files held in memory until the I/O edge writes them. */

/**
 * Third-party simulation models a generated file needs because it instantiates vendor
 * primitives: `yosys-xilinx-cells` = Yosys's `xilinx/cells_sim.v` (LUT6_2, CARRY4, …),
 * found through `yosys-config --datdir` (src/tools/vendor.ts). They are never copied into
 * the design: the manifest names them, co-simulation compiles them, the lint gate checks
 * only the generated files.
 */
export const VENDOR_LIBRARIES = ['yosys-xilinx-cells'] as const;
export type VendorLibrary = (typeof VENDOR_LIBRARIES)[number];

/** What each library is, and its file inside Yosys's data directory (`yosys-config --datdir`). */
export const VENDOR_LIBRARY_FILES: Record<VendorLibrary, { file: string; what: string }> = {
  'yosys-xilinx-cells': { file: 'xilinx/cells_sim.v', what: "Yosys's simulation models of the AMD/Xilinx primitives (LUT1-6, LUT6_2, CARRY4, …)" },
};

export interface GeneratedFile {
  /** File name inside the design folder (no directories). */
  path: string;
  content: string;
  kind: 'sv' | 'mem' | 'meta';
  /** Vendor primitive libraries this file instantiates (absent: none). */
  vendor?: readonly VendorLibrary[];
}

/** The vendor libraries a set of files needs, in a fixed order. */
export function vendorLibraries(files: readonly GeneratedFile[]): VendorLibrary[] {
  const need = new Set(files.flatMap((f) => f.vendor ?? []));
  return VENDOR_LIBRARIES.filter((l) => need.has(l));
}

/** Facts about the generator run that go into every header (no timestamps). */
export interface RenderMeta {
  generator: string;
  version: string;
  configHash: string;
}

/**
 * `files` with repeats removed: blocks that compose others (the engine, the head) may each
 * bring a shared part (a counter, the Gray code); the same path must then hold the same
 * text, which is checked.
 */
export function uniqueFiles(files: GeneratedFile[]): GeneratedFile[] {
  const seen = new Map<string, GeneratedFile>();
  for (const f of files) {
    const prev = seen.get(f.path);
    if (!prev) seen.set(f.path, f);
    else if (prev.content !== f.content || prev.kind !== f.kind) throw new Error(`two different files named ${f.path}`);
  }
  return [...seen.values()];
}
