/**
 * `spikeforge schema --markdown`: the config reference (docs/config.md), rendered from the
 * JSON Schema of src/base/config.ts (types, ranges, defaults, descriptions) plus the one
 * fact the schema cannot hold: which tops read each key. test/docs.test.ts fails when
 * docs/config.md differs from this output, and checks READ_BY against the generator.
 */
import { BLOCK_NAMES, type BlockName } from '../base/config.js';

/** Which tops read a key (and under what condition); every other top accepts and ignores it. */
export interface ReadBy {
  tops: readonly BlockName[];
  when?: string;
}

const ALL = BLOCK_NAMES;
const POSITIONS: readonly BlockName[] = ['gray_rom', 'logpe_bias', 'xnor_attention', 'ssa_head'];
const ENGINE: readonly BlockName[] = ['xnor_attention', 'ssa_head'];
const NEURONS: readonly BlockName[] = ['lif_array', 'ssa_head'];

export const READ_BY: Record<string, ReadBy> = {
  format: { tops: ALL, when: 'before anything else: an older format is migrated' },
  top: { tops: ALL },
  name: { tops: ALL },
  seqLen: { tops: POSITIONS },
  dim: { tops: ENGINE },
  timesteps: { tops: ['gray_rom', 'xnor_attention', 'lif_array', 'ssa_head'], when: 'gray_rom: with timestep-token positions' },
  grid: { tops: POSITIONS },
  'grid.rows': { tops: POSITIONS },
  'grid.cols': { tops: POSITIONS },
  similarity: { tops: ENGINE },
  grayPe: { tops: ['gray_rom', ...ENGINE] },
  'grayPe.enabled': { tops: ENGINE },
  'grayPe.bits': { tops: ['gray_rom', ...ENGINE], when: 'xnor_attention, ssa_head: when grayPe.enabled' },
  'grayPe.position': { tops: ['gray_rom', ...ENGINE], when: 'xnor_attention, ssa_head: when grayPe.enabled' },
  'grayPe.impl': { tops: ['gray_rom', ...ENGINE], when: 'xnor_attention, ssa_head: when grayPe.enabled, 1-D only' },
  logPe: { tops: ['logpe_bias', ...ENGINE] },
  'logPe.enabled': { tops: ENGINE },
  'logPe.mode': { tops: ['logpe_bias', ...ENGINE], when: 'xnor_attention, ssa_head: when logPe.enabled' },
  'logPe.table': { tops: ['logpe_bias', ...ENGINE], when: 'mode "table" only; xnor_attention, ssa_head: when logPe.enabled' },
  'logPe.impl': { tops: ['logpe_bias', ...ENGINE], when: 'xnor_attention, ssa_head: when logPe.enabled' },
  lanes: { tops: ['xnor_attention', 'lif_array', 'ssa_head'] },
  neurons: { tops: ['lif_array'] },
  lif: { tops: NEURONS },
  'lif.tauLog2': { tops: NEURONS },
  'lif.decayInput': { tops: NEURONS },
  'lif.threshold': { tops: NEURONS },
  'lif.reset': { tops: NEURONS },
  'lif.vReset': { tops: NEURONS },
  'lif.fracBits': { tops: NEURONS },
  'lif.width': { tops: NEURONS },
  'lif.inputWidth': { tops: ['lif_array'] },
  scale: { tops: ['ssa_head'] },
  target: { tops: ENGINE, when: 'only when popcount is "auto"' },
  popcount: { tops: ENGINE },
  popcountPipeline: { tops: ENGINE, when: 'tree popcounts (not "loop")' },
  heads: { tops: ['ssa_head'] },
  fold: { tops: NEURONS },
  'fold.headsPerEngine': { tops: ['ssa_head'] },
  'fold.membranes': { tops: NEURONS },
  'fold.neuronLanes': { tops: ['ssa_head'] },
  'fold.memory': { tops: NEURONS, when: 'when membranes is "memory"' },
  board: { tops: ['ssa_head'], when: 'adds the board top and its PCF; read by board build and board run' },
  'board.name': { tops: ['ssa_head'] },
  'board.baud': { tops: ['ssa_head'] },
  'board.timeoutMs': { tops: ['ssa_head'] },
  clockMHz: { tops: ALL, when: 'writes the clock constraint files; read by synth --pnr' },
  axis: { tops: ALL, when: 'the wrapper becomes the top' },
};

interface Node {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Node[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: Node;
  properties?: Record<string, Node>;
  required?: string[];
  default?: unknown;
  description?: string;
  title?: string;
}

/** A table cell: pipes escaped, and < > as entities so `<name>` is not taken for an HTML tag. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');
const code = (text: string) => `\`${text}\``;

/** The object schema inside a node (itself, or the object branch of an `anyOf` with null). */
function objectOf(node: Node): Node | null {
  if (node.properties) return node;
  return node.anyOf?.find((n) => n.properties) ?? null;
}

function typeText(node: Node, path: string): string {
  if (node.anyOf) return node.anyOf.map((n) => typeText(n, path)).join(' or ');
  if (node.const !== undefined) return code(JSON.stringify(node.const));
  if (node.enum) return node.enum.map((v) => code(JSON.stringify(v))).join(', ');
  switch (node.type) {
    case 'integer':
      return `integer ${node.minimum ?? '…'} to ${node.maximum ?? '…'}`;
    case 'number':
      return 'number';
    case 'boolean':
      return `${code('true')} or ${code('false')}`;
    case 'null':
      return code('null');
    case 'string': {
      const parts = [node.minLength ? 'non-empty string' : 'string'];
      if (node.pattern) parts.push(`matching ${code(node.pattern)}`);
      if (node.maxLength !== undefined) parts.push(`at most ${node.maxLength} characters`);
      return parts.join(', ');
    }
    case 'array':
      if (node.items?.type === 'array') return 'array of arrays';
      return `array of ${node.items && Object.keys(node.items).length ? typeText(node.items, path) : 'values'}`;
    case 'object':
      return `object (table ${code(path)})`;
    default:
      return 'any';
  }
}

function defaultText(node: Node, key: string, parent: Node): string {
  if ('default' in node) return code(JSON.stringify(node.default));
  return parent.required?.includes(key) ? 'required' : 'none';
}

function readByText(path: string): string {
  const r = READ_BY[path];
  if (!r) throw new Error(`schema --markdown: no READ_BY entry for config key "${path}"`);
  const tops = r.tops.length === ALL.length ? 'all' : r.tops.join(', ');
  return r.when ? `${tops} (${r.when})` : tops;
}

function table(obj: Node, prefix: string, out: string[], nested: [string, Node][]): void {
  out.push('| key | type / allowed | default | read by | description |', '|---|---|---|---|---|');
  for (const [key, node] of Object.entries(obj.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push(
      `| ${code(path)} | ${cell(typeText(node, path))} | ${cell(defaultText(node, key, obj))} | ${cell(readByText(path))} | ${cell(node.description ?? '')} |`,
    );
    const inner = objectOf(node);
    if (inner) nested.push([path, { ...inner, description: node.description }]);
  }
}

const INTRO = `# Config reference

Every key of a spikeforge config, generated by \`spikeforge schema --markdown\` from the
config schema (\`src/base/config.ts\`), which is also what \`spikeforge schema\` prints as JSON
Schema for editors. Do not edit this page by hand: change the schema and run

    npx tsc -p tsconfig.json && node bin/spikeforge.js schema --markdown -o docs/config.md

(\`test/docs.test.ts\` fails while this page differs from the command's output). What the
values mean arithmetically is in [spec.md](spec.md); the section numbers in the
descriptions (SPEC §N) are that page's.

- A config is a JSON or YAML object. An unknown key is a config error (exit 2, naming the
  key and the keys allowed there); so is a value outside the range below.
- Absent keys take the default shown; \`generate\` writes the complete config, defaults filled
  in, into the design's \`manifest.json\`. "none" means the key has no default: \`seqLen\` and
  \`dim\` are required by the tops that read them.
- "read by" lists the tops that read the key; every other top accepts it and ignores it
  (so one config file can serve several tops).
- "spikeforge addition" marks keys that the first contract did not have; each has a default,
  so a config written without them works unchanged.
`;

/** The whole config reference page (docs/config.md). */
export function schemaMarkdown(schema: unknown): string {
  const root = schema as Node;
  const out: string[] = [INTRO];
  const nested: [string, Node][] = [];
  out.push('## Top level', '');
  table(root, '', out, nested);
  while (nested.length) {
    const [path, obj] = nested.shift()!;
    out.push('', `## \`${path}\``, '', obj.description ?? '', '');
    table(obj, path, out, nested);
  }
  return `${out.join('\n')}\n`;
}
