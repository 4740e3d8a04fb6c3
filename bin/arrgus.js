#!/usr/bin/env node
// The `arrgus` bin: Node runs the TypeScript sources directly (type stripping), so there is no build step.
import { cli } from '../src/cli.ts';

cli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`arrgus: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
