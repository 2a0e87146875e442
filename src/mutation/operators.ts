/**
 * Single-point mutations of a generated design's text: every place in the SystemVerilog
 * (and in `.mem` ROM images) where one small edit gives a plausible bug.
 *
 * The generated RTL follows the house style (one statement per line, `_q`/`_d` registers,
 * `assign` for combinational wires), so a line-level reading is enough to tell behaviour
 * (continuous assignments, procedural statements, branch conditions, constants) from
 * structure (declarations, ports, instances, loop headers), which is never mutated.
 *
 * Each site edits exactly one line of one file. Sites are listed in a fixed order (file,
 * line, column, operator), so a seeded selection picks the same mutants every time.
 */
import type { GeneratedFile } from '../render/files.js';

export type MutationClass = 'operator' | 'constant' | 'rom-bit' | 'tie' | 'ignore-ready' | 'hold-register';
export const MUTATION_CLASSES: readonly MutationClass[] = ['operator', 'constant', 'rom-bit', 'tie', 'ignore-ready', 'hold-register'];

export interface MutationSite {
  file: string;
  /** 1-based line number. */
  line: number;
  cls: MutationClass;
  /** Short operator name, e.g. `^->|`, `const+1`, `tie0`, `hold`. */
  op: string;
  original: string;
  mutated: string;
}

/** Binary/unary operator replacements (the mutated text of the operator token). */
const OPERATOR_SWAPS: Record<string, string[]> = {
  '^': ['|'],
  '&': ['|'],
  '|': ['&'],
  '+': ['-'],
  '-': ['+'],
  '==': ['!='],
  '!=': ['=='],
  '<': ['<='],
  '>': ['>='],
  '<=': ['<'],
  '>=': ['>'],
  '&&': ['||'],
  '||': ['&&'],
  '>>>': ['>>'],
  '!': [''],
  '~': [''],
};

/** Ready/enable-like names: forcing one to its "go" value ignores the stall logic it carries. */
const READY_LIKE = /(ready|enable|(^|_)en($|_)|accept|advance|fire|take|load|(^|_)go($|_))/i;
const STALL_LIKE = /(stall|hold|busy|full|block)/i;

const SKIP_START =
  /^(module|endmodule|input|output|inout|logic|wire|reg|bit|int|integer|genvar|parameter|typedef|function|endfunction|task|endtask|initial|always_ff|always_comb|always_latch|always|case|unique|priority|endcase|for|generate|endgenerate|begin|end|import|`)\b/;

interface Token {
  kind: 'op' | 'num' | 'sized' | 'fill' | 'id' | 'punct';
  text: string;
  start: number;
}

/** Tokens of one SV expression fragment (comments already removed). */
export function tokenize(text: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  const ops = ['<<<', '>>>', '===', '!==', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '~&', '~|', '~^', '^~', '+:', '-:', '++', '--', '::'];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\d+\s*'\s*s?[bdhoBDHO]\s*[0-9a-fA-FxXzZ_]+/.exec(rest))) {
      tokens.push({ kind: 'sized', text: m[0], start: offset + i });
    } else if ((m = /^'[01xXzZ]\b/.exec(rest)) || (m = /^'[01]/.exec(rest))) {
      tokens.push({ kind: 'fill', text: m[0], start: offset + i });
    } else if ((m = /^\d[\d_]*(?![\d_]*\s*')/.exec(rest))) {
      tokens.push({ kind: 'num', text: m[0], start: offset + i });
    } else if ((m = /^\d[\d_]*/.exec(rest))) {
      // A size in front of a cast, e.g. 4'(x): structure, not a constant.
      tokens.push({ kind: 'punct', text: m[0], start: offset + i });
    } else if ((m = /^[A-Za-z_$][\w$]*/.exec(rest))) {
      tokens.push({ kind: 'id', text: m[0], start: offset + i });
    } else if ((m = /^'/.exec(rest))) {
      tokens.push({ kind: 'punct', text: "'", start: offset + i });
    } else {
      const op = ops.find((o) => rest.startsWith(o));
      const t = op ?? c;
      tokens.push({ kind: /[\^&|+\-=!<>~]/.test(t[0]!) && t !== '=' ? 'op' : 'punct', text: t, start: offset + i });
      m = [t] as unknown as RegExpExecArray;
    }
    i += m[0].length;
  }
  return tokens;
}

/** Is the operator at index k binary (it has an operand on its left)? */
function isBinary(tokens: Token[], k: number): boolean {
  const prev = tokens[k - 1];
  if (!prev) return false;
  return prev.kind === 'id' || prev.kind === 'num' || prev.kind === 'sized' || prev.kind === 'fill' || prev.text === ')' || prev.text === ']' || prev.text === '}';
}

function stripComment(line: string): string {
  const i = line.indexOf('//');
  return i < 0 ? line : line.slice(0, i);
}

/** Index of the statement's assignment operator (`<=` or `=` at depth 0), or -1. */
function assignmentAt(tokens: Token[]): { index: number; nba: boolean } | null {
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!.text;
    if (t === '(' || t === '[' || t === '{') depth++;
    else if (t === ')' || t === ']' || t === '}') depth--;
    else if (depth === 0 && (t === '=' || t === '<=')) return { index: k, nba: t === '<=' };
  }
  return null;
}

function isConstantExpr(tokens: Token[]): boolean {
  return tokens.length > 0 && tokens.every((t) => t.kind === 'sized' || t.kind === 'fill' || t.kind === 'num' || t.text === "'" || t.text === '{' || t.text === '}');
}

interface Region {
  /** Character range [from, to) of the line that behaviour mutations may touch. */
  from: number;
  to: number;
  kind: 'assign' | 'nba' | 'blocking' | 'condition' | 'localparam';
  lhs?: string;
}

/** The behavioural regions of one line (at most a condition and a statement). */
function regionsOf(line: string): Region[] {
  const code = stripComment(line);
  if (!code.trim() || code.includes('"')) return [];
  // Leading `end`, `else`, `end else` belong to the previous statement's structure.
  let at = 0;
  for (;;) {
    const m = /^\s*(end|else|begin)\b(\s*:\s*\w+)?/.exec(code.slice(at));
    if (!m) break;
    at += m[0].length;
  }
  const body = code.slice(at);
  const trimmed = body.trimStart();
  const lead = at + (body.length - trimmed.length);
  if (!trimmed) return [];

  const regions: Region[] = [];
  const lp = /^localparam\b[^=]*=\s*/.exec(trimmed);
  if (lp) {
    const semi = trimmed.lastIndexOf(';');
    return [{ from: lead + lp[0].length, to: lead + (semi < 0 ? trimmed.length : semi), kind: 'localparam' }];
  }
  const asg = /^assign\s+([^=]+?)\s*=(?!=)\s*/.exec(trimmed);
  if (asg) {
    const semi = trimmed.lastIndexOf(';');
    return [{ from: lead + asg[0].length, to: lead + (semi < 0 ? trimmed.length : semi), kind: 'assign', lhs: asg[1]!.trim() }];
  }
  if (SKIP_START.test(trimmed) || trimmed.startsWith('.')) return [];

  let stmtFrom = 0;
  const cond = /^if\s*\(/.exec(trimmed);
  if (cond) {
    // The condition runs to the matching parenthesis.
    let depth = 0;
    let end = -1;
    for (let i = cond[0].length - 1; i < trimmed.length; i++) {
      if (trimmed[i] === '(') depth++;
      else if (trimmed[i] === ')' && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end < 0) return [];
    regions.push({ from: lead + cond[0].length, to: lead + end, kind: 'condition' });
    stmtFrom = end + 1;
    const after = trimmed.slice(stmtFrom).trim();
    if (!after || /^begin\b/.test(after)) return regions;
  } else {
    // A case item: `label: statement` (or `default: statement`).
    const item = /^(default|[\w']+(\s*,\s*[\w']+)*)\s*:(?!:)\s*/.exec(trimmed);
    if (item && !/^\w+\s*(<=|=)/.test(trimmed)) stmtFrom = item[0].length;
  }
  const stmt = trimmed.slice(stmtFrom);
  const tokens = tokenize(stmt, lead + stmtFrom);
  const a = assignmentAt(tokens);
  if (!a) return regions;
  const lhs = stmt.slice(0, tokens[a.index]!.start - lead - stmtFrom).trim();
  if (!/^[A-Za-z_][\w]*(\s*\[[^\]]*\])*$/.test(lhs)) return regions;
  const semi = stmt.lastIndexOf(';');
  const opTok = tokens[a.index]!;
  let from = opTok.start + opTok.text.length;
  while (line[from] === ' ') from++;
  regions.push({
    from,
    to: lead + stmtFrom + (semi < 0 ? stmt.length : semi),
    kind: a.nba ? 'nba' : 'blocking',
    lhs,
  });
  return regions;
}

function replaceAt(line: string, start: number, length: number, text: string): string {
  return line.slice(0, start) + text + line.slice(start + length);
}

/** Constant ±1 for a sized literal (kept within its width) or a plain decimal; `'0` ↔ `'1`. */
function constantMutations(t: Token): { text: string; op: string }[] {
  if (t.kind === 'fill') {
    const to = t.text === "'0" ? "'1" : t.text === "'1" ? "'0" : null;
    return to ? [{ text: to, op: `fill->${to}` }] : [];
  }
  if (t.kind === 'num') {
    const v = Number(t.text.replace(/_/g, ''));
    return [...(v > 0 ? [{ text: String(v - 1), op: 'const-1' }] : []), { text: String(v + 1), op: 'const+1' }];
  }
  const m = /^(\d+)\s*'\s*(s?)([bdhoBDHO])\s*([0-9a-fA-F_]+)$/.exec(t.text);
  if (!m) return [];
  const width = Number(m[1]);
  const base = { b: 2, o: 8, d: 10, h: 16 }[m[3]!.toLowerCase() as 'b' | 'o' | 'd' | 'h'];
  const digits = m[4]!.replace(/_/g, '');
  let v: bigint;
  try {
    v = base === 10 ? BigInt(digits) : BigInt(`0${{ 2: 'b', 8: 'o', 16: 'x' }[base]}${digits}`);
  } catch {
    return [];
  }
  const max = (1n << BigInt(width)) - 1n;
  const out: { text: string; op: string }[] = [];
  for (const [nv, op] of [[v - 1n, 'const-1'], [v + 1n, 'const+1']] as const) {
    if (nv < 0n || nv > max) continue;
    out.push({ text: `${width}'${m[2]}${m[3]}${nv.toString(base)}`, op });
  }
  return out;
}

const DECLARATION = /^\s*(input|output|inout|logic|wire|reg|bit|localparam|parameter)\b/;

/**
 * Is the `localparam int` NAME a pure width (or memory depth): used only inside a
 * declaration's brackets or as a size cast `NAME'(…)`? Widening such a parameter by one
 * only zero-extends values the generator already sized to fit, so its +1 mutant is
 * equivalent by construction and is not generated; the −1 (narrowing) mutant is.
 */
export function isWidthOnly(lines: string[], name: string, declLine: number): boolean {
  const re = new RegExp(`\\b${name}\\b`, 'g');
  let used = false;
  for (let n = 0; n < lines.length; n++) {
    if (n === declLine) continue;
    const code = stripComment(lines[n]!);
    for (const m of code.matchAll(re)) {
      used = true;
      const at = m.index!;
      if (code.slice(at + name.length).startsWith("'(")) continue;
      const before = code.slice(0, at);
      const inBrackets = before.lastIndexOf('[') > before.lastIndexOf(']');
      if (inBrackets && DECLARATION.test(code) && !/=/.test(before)) continue;
      return false;
    }
  }
  return used;
}

/** Every mutation site of one SV file. */
export function svSites(file: string, text: string): MutationSite[] {
  const sites: MutationSite[] = [];
  const lines = text.split('\n');
  // The co-simulation build's assertions and observation ports (`ifdef SPIKEFORGE_ASSERT
  // or SPIKEFORGE_OBSERVE … `endif) check and show the design; they are not part of it, so
  // they are not mutated (a mutant there would only blind the check, not break the design).
  let inChecks = false;
  lines.forEach((line, n) => {
    if (/^\s*`ifdef\s+SPIKEFORGE_(ASSERT|OBSERVE)\b/.test(line)) inChecks = true;
    if (inChecks) {
      if (/^\s*`endif\b/.test(line)) inChecks = false;
      return;
    }
    const add = (cls: MutationClass, op: string, mutated: string) => {
      if (mutated !== line) sites.push({ file, line: n + 1, cls, op, original: line, mutated });
    };
    for (const r of regionsOf(line)) {
      // `unused_*` wires only exist to tell the linter a signal is deliberately unread.
      if (r.lhs && /^unused/.test(r.lhs)) continue;
      const tokens = tokenize(line.slice(r.from, r.to), r.from);
      for (let k = 0; k < tokens.length; k++) {
        const t = tokens[k]!;
        if (t.kind === 'sized' || t.kind === 'fill' || t.kind === 'num') {
          const widthParam = r.kind === 'localparam' && /^\s*localparam\s+int\s+(\w+)\s*=\s*\d+\s*;/.exec(line);
          const widthOnly = widthParam ? isWidthOnly(lines, widthParam[1]!, n) : false;
          for (const c of constantMutations(t)) {
            if (c.op === 'const+1' && widthOnly) continue;
            add('constant', c.op, replaceAt(line, t.start, t.text.length, c.text));
          }
          continue;
        }
        if (r.kind === 'localparam') continue;
        if (t.kind === 'op' && OPERATOR_SWAPS[t.text]) {
          const unary = t.text === '!' || t.text === '~';
          const binaryOnly = ['+', '-', '==', '!=', '<', '>', '<=', '>=', '&&', '||', '>>>'].includes(t.text);
          if (binaryOnly && !isBinary(tokens, k)) continue;
          if (unary && isBinary(tokens, k)) continue;
          for (const to of OPERATOR_SWAPS[t.text]!) add('operator', unary ? `drop ${t.text}` : `${t.text}->${to}`, replaceAt(line, t.start, t.text.length, to));
        }
        if (r.kind === 'condition' && t.kind === 'id' && READY_LIKE.test(t.text)) {
          add('ignore-ready', `${t.text}->1`, replaceAt(line, t.start, t.text.length, "1'b1"));
        }
      }
      const rhs = line.slice(r.from, r.to).trim();
      if ((r.kind === 'assign' || r.kind === 'blocking') && r.lhs) {
        const name = r.lhs.replace(/\[.*$/, '');
        if (READY_LIKE.test(name) || STALL_LIKE.test(name)) {
          const go = STALL_LIKE.test(name) && !READY_LIKE.test(name) ? "1'b0" : "1'b1";
          add('ignore-ready', `${name}=${go === "1'b1" ? 1 : 0}`, replaceAt(line, r.from, r.to - r.from, go));
        }
        if (!isConstantExpr(tokenize(rhs))) {
          add('tie', 'tie0', replaceAt(line, r.from, r.to - r.from, "'0"));
          add('tie', 'tie1', replaceAt(line, r.from, r.to - r.from, "'1"));
        }
      }
      if (r.kind === 'nba' && r.lhs && !isConstantExpr(tokenize(rhs)) && rhs !== r.lhs) {
        add('hold-register', 'hold', replaceAt(line, r.from, r.to - r.from, r.lhs));
      }
    }
  });
  return sites;
}

/**
 * ROM image sites: one bit of one word flips. Only words up to the last non-zero one (the
 * tail of a power-of-two ROM past the last entry is padding no input reaches), and only
 * bits below the widest value (higher bits are cut off by the ROM's declared width).
 */
export function memSites(file: string, text: string): MutationSite[] {
  const lines = text.split('\n');
  const values = lines.map((l) => (/^[0-9a-fA-F]+$/.test(l.trim()) ? BigInt(`0x${l.trim()}`) : null));
  let last = -1;
  values.forEach((v, i) => {
    if (v !== null && v !== 0n) last = i;
  });
  const width = Math.max(1, ...values.map((v) => (v === null || v === 0n ? 0 : v.toString(2).length)));
  const sites: MutationSite[] = [];
  for (let i = 0; i <= last; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const digits = lines[i]!.trim().length;
    for (let b = 0; b < width; b++) {
      const mutated = (v ^ (1n << BigInt(b))).toString(16).padStart(digits, '0');
      sites.push({ file, line: i + 1, cls: 'rom-bit', op: `bit${b}`, original: lines[i]!, mutated });
    }
  }
  return sites;
}

export function enumerateSites(files: GeneratedFile[]): MutationSite[] {
  return files.flatMap((f) => (f.kind === 'sv' ? svSites(f.path, f.content) : f.kind === 'mem' ? memSites(f.path, f.content) : []));
}

/** The design's files with one site applied. */
export function applySite(files: GeneratedFile[], site: MutationSite): GeneratedFile[] {
  return files.map((f) => {
    if (f.path !== site.file) return f;
    const lines = f.content.split('\n');
    if (lines[site.line - 1] !== site.original) throw new Error(`mutation site ${site.file}:${site.line} does not match the file`);
    lines[site.line - 1] = site.mutated;
    return { ...f, content: lines.join('\n') };
  });
}
