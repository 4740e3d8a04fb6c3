#!/usr/bin/env -S node --max-semi-space-size=4
// `--max-semi-space-size=4`: a smaller young generation keeps a long replay at about half the peak memory (V8 grows
// it to 32 MB and more under a high allocation rate) for a few percent of throughput. npm start and the image pass it too.
// The `arrgus` bin. Node runs the TypeScript sources directly (type stripping), so there is no build step. The compile
// cache keeps the stripped and compiled modules on disk: later starts skip the type stripper entirely, which saves
// ~30 MB of memory and most of the start-up time. It is enabled before the first .ts module loads.
import { chownSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';

// Older Node cannot load the TypeScript sources; say so in one line instead of ERR_UNKNOWN_FILE_EXTENSION.
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `arrgus needs Node.js 24 or newer, this is ${process.version}: install Node 24 LTS (https://nodejs.org/en/download), or run it from the project with \`npm install && npm start\`, which brings Node 24 along.\n`,
  );
  process.exit(1);
}
dropPrivileges(process.env.ARRGUS_DROP_TO);
module.enableCompileCache?.();
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
