/**
 * Loose readers for what APIs answer: XML read into objects gives strings, JSON gives numbers and booleans, fields may
 * be missing or of another type. Each reader returns what the field holds in the type asked for, or a neutral value
 * (undefined, `{}`, `[]`, false) when it holds nothing of that type; none throws.
 */

type Node = Record<string, unknown>;

export function obj(v: unknown): Node {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {};
}
export function list(v: unknown): Node[] {
  if (Array.isArray(v)) return v.filter((x): x is Node => Boolean(x) && typeof x === 'object');
  return v && typeof v === 'object' ? [v as Node] : [];
}
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
export function bool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}
/** Sets an optional property only when the value is defined (exactOptionalPropertyTypes). */
export function set<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}
