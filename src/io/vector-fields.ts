/**
 * Readers for the pieces of a vector file's `inputs`, shared by every block. Each names
 * the exact place of a problem (`case "x": inputs.q[1][3]`) and throws InputFileError
 * (exit 2). Spike rows are lowercase hex, feature c = bit c (SPEC §0).
 */
import { parseHex, toHex } from '../base/bits.js';
import { InputFileError, describeValue } from '../base/errors.js';

function bad(where: string, what: string, value: unknown): never {
  throw new InputFileError('SF_VECTORS_INVALID', `${where}: ${what} (got ${describeValue(value)})`);
}

export function field(json: unknown, key: string, where: string): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) bad(where, 'inputs must be an object', json);
  const v = (json as Record<string, unknown>)[key];
  if (v === undefined) bad(`${where}.${key}`, 'missing', v);
  return v;
}

export function array(json: unknown, where: string, length?: number): unknown[] {
  if (!Array.isArray(json)) bad(where, 'must be an array', json);
  if (length !== undefined && json.length !== length) bad(where, `must have ${length} entries, has ${json.length}`, json);
  return json;
}

export function integer(json: unknown, where: string, min: number, max: number): number {
  if (typeof json !== 'number' || !Number.isInteger(json) || json < min || json > max) {
    bad(where, `must be an integer from ${min} to ${max}`, json);
  }
  return json;
}

export function intArray(json: unknown, where: string, min: number, max: number, length?: number): number[] {
  return array(json, where, length).map((v, i) => integer(v, `${where}[${i}]`, min, max));
}

/** A signed integer that may exceed 2^53 in a file (written as a JSON number or a decimal string). */
export function bigInteger(json: unknown, where: string, min: bigint, max: bigint): bigint {
  let v: bigint | null = null;
  if (typeof json === 'number' && Number.isSafeInteger(json)) v = BigInt(json);
  else if (typeof json === 'string' && /^-?\d+$/.test(json)) v = BigInt(json);
  if (v === null || v < min || v > max) bad(where, `must be an integer from ${min} to ${max}`, json);
  return v;
}

/** One spike row of `width` bits as hex (exactly ceil(width/4) digits). */
export function hexRow(json: unknown, where: string, width: number): bigint {
  const digits = Math.max(1, Math.ceil(width / 4));
  if (typeof json !== 'string') bad(where, `must be a hex string of ${digits} digits`, json);
  const v = parseHex(json);
  if (v === null) bad(where, 'is not hex (digits 0-9, a-f)', json);
  if (json.length !== digits) bad(where, `must have ${digits} hex digits for ${width} bits, has ${json.length}`, json);
  if (v >> BigInt(width) !== 0n) bad(where, `has bits set above bit ${width - 1}`, json);
  return v;
}

/** T×N hex rows. */
export function hexMatrix(json: unknown, where: string, t: number, n: number, width: number): bigint[][] {
  return array(json, where, t).map((row, ti) =>
    array(row, `${where}[${ti}]`, n).map((cell, i) => hexRow(cell, `${where}[${ti}][${i}]`, width)),
  );
}

export function hexMatrixToJson(rows: bigint[][], width: number): string[][] {
  return rows.map((r) => r.map((v) => toHex(v, width)));
}
