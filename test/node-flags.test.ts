/**
 * The V8 flags that bound Arrgus's memory (bin/arrgus.js explains each) reach every way it is started: the bin's
 * shebang, its re-execution when started as `node bin/arrgus.js`, `npm start`, the image's ENTRYPOINT, and the image's
 * compile-cache warm-up (Node keys the cache by the flags: other flags there would leave the cache unused).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');
const bin = read('bin/arrgus.js');
const flagsIn = (text: string) => text.split(/\s+/).filter((w) => /^--[a-z-]+=/.test(w));
const shebang = flagsIn(/^#!\S*env -S node (.*)$/m.exec(bin.split('\n', 1)[0] ?? '')?.[1] ?? '');

test('the shebang, the re-execution list, npm start and the image pass the same V8 flags', () => {
  assert.ok(shebang.length >= 1, `the shebang passes the flags: ${shebang.join(' ')}`);
  const list = /const V8_FLAGS = \[([^\]]*)\]/.exec(bin)?.[1] ?? '';
  assert.deepEqual(
    [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]),
    shebang,
    'V8_FLAGS in bin/arrgus.js',
  );
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  assert.deepEqual(flagsIn(pkg.scripts.start ?? ''), shebang, 'npm start');
  const docker = read('Dockerfile').replace(/\\\n/g, ' ');
  const entry = /^ENTRYPOINT \[(.*)\]$/m.exec(docker)?.[1] ?? '';
  assert.deepEqual(
    [...entry.matchAll(/"(--[^"]+)"/g)].map((m) => m[1]),
    shebang,
    'the image ENTRYPOINT',
  );
  const warm = /^RUN .*warm-compile-cache\.js.*$/m.exec(docker)?.[0] ?? '';
  assert.deepEqual(flagsIn(warm), shebang, 'the compile-cache warm-up in the image');
});

test('started as `node bin/arrgus.js`, the bin runs with the flags (re-executed with them)', () => {
  // A preload that survives the re-execution (it is in execArgv) reports the flags of the process that exits.
  const report =
    'data:text/javascript,process.on("exit",()=>process.stderr.write("EXECARGV "+JSON.stringify(process.execArgv)+"\\n"))';
  const r = spawnSync(
    process.execPath,
    ['--import', report, join(import.meta.dirname, '../bin/arrgus.js'), '--version'],
    {
      encoding: 'utf8',
      cwd: mkdtempSync(join(tmpdir(), 'arrgus-flags-')),
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir() },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const argv = JSON.parse(/EXECARGV (.*)/.exec(r.stderr)?.[1] ?? '[]') as string[];
  for (const f of shebang) assert.ok(argv.includes(f), `${f} in ${argv.join(' ')}`);
});
