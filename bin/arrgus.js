#!/usr/bin/env -S node --max-semi-space-size=4
// V8 flags (the same in this shebang, `V8_FLAGS` below, npm start and the image's ENTRYPOINT; test/node-flags.test.ts
// holds them together):
// `--max-semi-space-size=4`: a smaller young generation keeps a long replay at about half the peak memory (V8 grows
// it to 128 MB under a high allocation rate) for a few percent of throughput.
// Measured and not kept: `--heap-growing-percent=50` (peaks of floods within noise on current code, +30% CPU in a
// webhook flood), `--optimize-for-size` (−10 MB idle but a 1 MB semi-space: 5× slower on allocation-heavy work),
// `--lite-mode` (no WebAssembly: the type stripper cannot load), MALLOC_ARENA_MAX=2 (within noise).
// A start without them (`node bin/arrgus.js`) re-executes itself with them (withV8Flags below).
// The `arrgus` bin. Node runs the TypeScript sources directly (type stripping), so there is no build step. The compile
// cache keeps the stripped and compiled modules on disk: later starts skip the type stripper entirely, which saves
// ~30 MB of memory and most of the start-up time. It is enabled before the first .ts module loads.
import { chownSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the shebang passes (kept equal by test/node-flags.test.ts). */
const V8_FLAGS = ['--max-semi-space-size=4'];

// Older Node cannot load the TypeScript sources; say so in one line instead of ERR_UNKNOWN_FILE_EXTENSION.
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `arrgus needs Node.js 24 or newer, this is ${process.version}: install Node 24 LTS (https://nodejs.org/en/download), or run it from the project with \`npm install && npm start\`, which brings Node 24 along.\n`,
  );
  process.exit(1);
}
withV8Flags();
dropPrivileges(process.env.ARRGUS_DROP_TO);
const cacheDir = compileCacheDir();
if (cacheDir) module.enableCompileCache?.(cacheDir);
const { cli } = await import('../src/cli.ts');
cli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`arrgus: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);

/**
 * `node bin/arrgus.js …` (or any start that bypasses the shebang) would run with V8's default heap sizing (a young
 * generation that grows to 128 MB of semi-spaces under a high allocation rate), and heap flags cannot be changed once
 * V8 runs (`v8.setFlagsFromString` is too late). So the process replaces itself (same pid, arguments, environment and
 * open files; `process.execve`, Node 23.11+, not on Windows) with one that has the flags it lacks.
 */
function withV8Flags() {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS?.split(/\s+/) ?? [])];
  const missing = V8_FLAGS.filter((f) => !given.some((a) => a.startsWith(f.split('=')[0])));
  if (!missing.length || typeof process.execve !== 'function') return;
  process.execve(
    process.execPath,
    [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)],
    process.env,
  );
}

/**
 * Where the compile cache lives: `ARRGUS_COMPILE_CACHE` when set (the image points it at a cache filled at build time
 * for the user it drops to; not `NODE_COMPILE_CACHE`, which Node applies at start, as root, before the drop), else a
 * directory of this user's own under the temporary directory. Node's default, one `node-compile-cache` shared by every
 * user, is unusable for all but the user that created it (`arrgus run` as `nobody` or a service user after a root run:
 * every start stripped types again, +38 MB), and a cache directory another user can write is a way to run code as
 * this one: such a directory is not used (undefined: no cache).
 */
function compileCacheDir() {
  if (process.env.ARRGUS_COMPILE_CACHE) return process.env.ARRGUS_COMPILE_CACHE;
  const uid = process.getuid?.();
  if (uid === undefined) return join(tmpdir(), 'arrgus-compile-cache');
  const dir = join(tmpdir(), `arrgus-compile-cache-${uid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === uid && (st.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The image sets `ARRGUS_DROP_TO=uid:gid`: started as root (Docker and the Home Assistant Supervisor create the data
 * volume as root), the process gives the data directory to that user and becomes it before loading anything else.
 * Started as another user (`docker run --user`), it runs as that user and the variable is ignored.
 */
function dropPrivileges(spec) {
  if (!spec || process.getuid?.() !== 0) return;
  const m = /^(\d+):(\d+)$/.exec(spec);
  if (!m) {
    process.stderr.write(`arrgus: ARRGUS_DROP_TO must be uid:gid, got "${spec}"\n`);
    process.exit(2);
  }
  const uid = Number(m[1]);
  const gid = Number(m[2]);
  const chownTree = (path) => {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.uid !== uid || st.gid !== gid) chownSync(path, uid, gid);
    if (st.isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name));
  };
  const dataDir = process.env.ARRGUS_DATA_DIR ?? '/data';
  mkdirSync(dataDir, { recursive: true });
  chownTree(dataDir);
  process.setgroups?.([]);
  process.setgid(gid);
  process.setuid(uid);
}
