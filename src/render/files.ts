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
