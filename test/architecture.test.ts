/**
 * The house's shape, checked on the source: no import circles between modules (type imports count: a circle of types
 * is still two rooms that cannot be understood apart), and the lower floors (core/, config/) import nothing above them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';

const SRC = new URL('../src/', import.meta.url).pathname;
const LOWER = ['core/', 'config/'];

function modules(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const file = relative(SRC, join(entry.parentPath, entry.name));
    const text = readFileSync(join(SRC, file), 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gms)) {
      deps.push(normalize(join(dirname(file), m[1] as string)));
    }
    graph.set(file, deps);
  }
  return graph;
}

/** Strongly connected components of more than one module (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
        onStack.delete(w);
        comp.push(w);
      }
      if (comp.length > 1) found.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('no import circles among the modules of src/', () => {
  const graph = modules();
  assert.ok(graph.size > 100, `read ${graph.size} modules`);
  assert.deepEqual(circles(graph), []);
});

test('the circle check finds a circle when there is one', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts', 'd.ts']],
    ['d.ts', []],
  ]);
  assert.deepEqual(circles(graph), [['a.ts', 'b.ts', 'c.ts']]);
});

test('core/ and config/ import nothing from the floors above them', () => {
  const wrong: string[] = [];
  for (const [file, deps] of modules()) {
    if (!LOWER.some((p) => file.startsWith(p))) continue;
    for (const d of deps) if (!LOWER.some((p) => d.startsWith(p))) wrong.push(`${file} -> ${d}`);
  }
  assert.deepEqual(wrong, []);
});
