/**
 * One place that turns the first problem zod finds in a raw (JSON/YAML) value into the
 * house's error triple — the key (`lif.threshold`, `overrides[0].when.seqLen`), the value
 * found there and what is allowed — for every file spikeforge reads with a schema (design
 * configs: ConfigError; sweep files: SweepFileError).
 *
 * Every schema states its constraint texts itself (`{ error: 'allowed: …' }`); an unknown
 * key is reported with the keys the schema allows at that place, read from the schema, so
 * no list of keys is written twice. A refinement that reports a value other than the one
 * at its path (an axis name, say) passes it as `params: { value }`.
 */
import type { z } from 'zod';

export interface IssueReport {
  key: string;
  value: unknown;
  allowed: string;
}

/** `a.b[0].c` from a zod path. */
export function formatKey(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
}

/** The raw value at a path (undefined where there is none). */
export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema without wrappers (optional, default, nullable, a pipe's input, …). */
function unwrap(s: z.ZodType): z.ZodType {
  for (;;) {
    const d = defOf(s);
    if (d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
}

/** The object schemas a path can lead to (a union may offer several). */
function objectsAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
  let here = [unwrap(schema)];
  for (const p of path) {
    const next: z.ZodType[] = [];
    for (const s of here) {
      const d = defOf(s);
      const options = d.type === 'union' ? (d.options ?? []).map(unwrap) : [s];
      for (const o of options) {
        const od = defOf(o);
        if (od.type === 'object' && typeof p === 'string' && od.shape?.[p]) next.push(unwrap(od.shape[p]!));
        else if (od.type === 'array' && od.element) next.push(unwrap(od.element));
        else if (od.type === 'record' && od.valueType) next.push(unwrap(od.valueType));
      }
    }
    here = next;
  }
  return here.flatMap((s) => (defOf(s).type === 'union' ? (defOf(s).options ?? []).map(unwrap) : [s])).filter((s) => defOf(s).type === 'object');
}

/** The keys the schema allows in the object at `path`. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((s) => Object.keys(defOf(s).shape ?? {})))];
}

/** The first issue of a failed parse as key, value and allowed; `root` names the whole value. */
export function firstIssue(schema: z.ZodType, raw: unknown, error: z.ZodError, root: string): IssueReport {
  // An unknown key first: it is most often a misspelt one, and then the key it should have
  // been is "missing" too (board: {"nmae": …} is better named as nmae than as name missing).
  let issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0]!;
  // A union (fold: "auto" or an object) reports only that no branch matched; when the value
  // is a plain object, the object branch's own first issue says what is wrong inside it. (An
  // array keeps the union's own message: it says what shape the whole value must have.)
  const at = valueAt(raw, issue.path);
  if (issue.code === 'invalid_union' && typeof at === 'object' && at !== null && !Array.isArray(at)) {
    const inner = issue.errors.map((branch) => branch[0]).find((i) => i && (i.path.length > 0 || i.code === 'unrecognized_keys'));
    if (inner) issue = { ...inner, path: [...issue.path, ...inner.path] } as typeof issue;
  }
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const at = [...path, issue.keys[0]!];
    return { key: formatKey(at), value: valueAt(raw, at), allowed: `unknown key; allowed keys here: ${keysAt(schema, path).join(', ')}` };
  }
  const params = (issue as { params?: Record<string, unknown> }).params;
  const value = params && 'value' in params ? params['value'] : valueAt(raw, path);
  return { key: path.length ? formatKey(path) : root, value, allowed: issue.message };
}
