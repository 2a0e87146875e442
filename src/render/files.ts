/** What a generator produces: files held in memory until the I/O edge writes them. */

export interface GeneratedFile {
  /** File name inside the design folder (no directories). */
  path: string;
  content: string;
  kind: 'sv' | 'mem' | 'meta';
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
