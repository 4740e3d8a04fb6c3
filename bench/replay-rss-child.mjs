// Child process of bench/replay.bench.ts: replays one file through the ingestion pipeline and reports its peak RSS.
// Plain JS on purpose, like bin/arrgus.js: the compile cache is enabled before the first .ts module loads, so a warm
// start never loads the type stripper (which an entry written in TypeScript would load at once).
import module from 'node:module';
import { Writable } from 'node:stream';

module.enableCompileCache?.();
const [path, app] = process.argv.slice(2);
const baseline = process.memoryUsage().rss;
const { replay } = await import('../src/replay.ts');
const out = new Writable({
  write(_chunk, _enc, cb) {
    cb();
  },
});
const s = await replay({ app, tz: 'UTC', events: false, format: 'ndjson', files: [path], out });
const peakRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ lines: s.lines, seconds: s.seconds, peakRss, baseline })}\n`);
