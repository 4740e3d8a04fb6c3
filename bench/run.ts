/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process, one after the other (each measures its own
 * peak RSS and timings), and prints what each reports. `npm run bench -- NAME` runs only benches whose file name
 * contains NAME. Benchmarks are not tests: nothing here fails on a slow machine.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const dir = new URL('.', import.meta.url).pathname;
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

const cpu = cpus()[0]?.model ?? 'unknown cpu';
console.log(
  `# Arrgus benchmarks — node ${process.version}, ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
);
let failed = 0;
for (const f of files) {
  console.log(`\n## ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', `${dir}${f}`], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`(bench ${f} exited with ${r.status ?? r.signal})`);
  }
}
process.exitCode = failed ? 1 : 0;
