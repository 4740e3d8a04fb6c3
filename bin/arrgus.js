#!/usr/bin/env -S node --max-semi-space-size=4
// `--max-semi-space-size=4`: a smaller young generation keeps a long replay at about half the peak memory (V8 grows
// it to 32 MB and more under a high allocation rate) for a few percent of throughput. npm start and the image pass it too.
// The `arrgus` bin. Node runs the TypeScript sources directly (type stripping), so there is no build step. The compile
// cache keeps the stripped and compiled modules on disk: later starts skip the type stripper entirely, which saves
// ~30 MB of memory and most of the start-up time. It is enabled before the first .ts module loads.
import module from 'node:module';

// Older Node cannot load the TypeScript sources; say so in one line instead of ERR_UNKNOWN_FILE_EXTENSION.
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `arrgus needs Node.js 24 or newer, this is ${process.version}: install Node 24 LTS (https://nodejs.org/en/download), or run it from the project with \`npm install && npm start\`, which brings Node 24 along.\n`,
  );
  process.exit(1);
}
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
