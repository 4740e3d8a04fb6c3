// Fills the compile cache (the image runs this at build time, see the Dockerfile): imports every source module once,
// so that `arrgus` started later finds each one type-stripped and compiled. One module missing from the cache would
// load the type stripper after all (+30 MB). Run it with the same V8 flags and as the same user as the service:
// Node keys the cache by both. `NODE_COMPILE_CACHE` names the directory.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const src = new URL('../src/', import.meta.url).pathname;
const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .sort();
let failed = 0;
for (const f of files) {
  // A module that needs its context (the store's writer thread stops at once outside a thread) is compiled, and
  // cached, before it runs.
  await import(pathToFileURL(join(src, f)).href).catch(() => failed++);
}
process.stdout.write(`compile cache: ${files.length} modules loaded (${failed} stopped outside their context).\n`);
