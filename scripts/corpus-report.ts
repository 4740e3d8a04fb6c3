/**
 * `node scripts/corpus-report.ts [DIR]`: detection over the whole real corpus (default test/fixtures/corpus, a copy of
 * ../shared/corpus), each file replayed on its own time with default settings, as `arrgus replay FILE` does. Prints,
 * per app and in total: records, ERROR/FATAL records, issues, alerts fired, incidents, and how many ERROR/FATAL
 * records ended up `uncategorized` (listed, so the next rules can be written from them).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LEVEL_RANK } from '../src/core/types.ts';
import { attachDetection } from '../src/replay-detect.ts';
import { replayFile } from '../test/corpus.ts';

const dir = process.argv[2] ?? new URL('../test/fixtures/corpus/', import.meta.url).pathname;
interface Row {
  records: number;
  errors: number;
  issues: number;
  alerts: number;
  incidents: number;
  uncategorized: number;
}
const rows = new Map<string, Row>();
const total: Row = { records: 0, errors: 0, issues: 0, alerts: 0, incidents: 0, uncategorized: 0 };
const unmatched: string[] = [];

for (const app of readdirSync(dir).sort()) {
  if (app.includes('.')) continue;
  const row: Row = { records: 0, errors: 0, issues: 0, alerts: 0, incidents: 0, uncategorized: 0 };
  for (const f of readdirSync(join(dir, app)).sort()) {
    if (!f.endsWith('.log')) continue;
    // The docker folder holds container envelopes of several apps: read it as `auto` does.
    const { records } = replayFile(join(dir, app, f), app === 'docker' ? 'auto' : app);
    const d = attachDetection({});
    for (const r of records) {
      const fp = (d.onRecord?.(r) as { fingerprint?: string } | undefined)?.fingerprint;
      row.records++;
      if (LEVEL_RANK[r.level] < LEVEL_RANK.error) continue;
      row.errors++;
      if (fp && d.detector.get(fp)?.category === 'uncategorized') {
        row.uncategorized++;
        unmatched.push(
          `${app}/${f}: [${r.level}] ${r.logger ? `${r.logger}: ` : ''}${r.message.slice(0, 100)}${r.exception ? ` — ${r.exception.type}` : ''}`,
        );
      }
    }
    const out = d.finish?.();
    row.issues += Number(out?.counts.issues ?? 0);
    row.alerts += Number(out?.counts.alerts ?? 0);
    row.incidents += Number(out?.counts.incidents ?? 0);
  }
  rows.set(app, row);
  for (const k of Object.keys(total) as Array<keyof Row>) total[k] += row[k];
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(
  `${'app'.padEnd(12)}${pad('records', 9)}${pad('err/fatal', 11)}${pad('issues', 8)}${pad('alerts', 8)}${pad('incidents', 11)}${pad('uncategorized', 15)}`,
);
for (const [app, r] of [...rows, ['TOTAL', total] as const]) {
  console.log(
    `${String(app).padEnd(12)}${pad(r.records, 9)}${pad(r.errors, 11)}${pad(r.issues, 8)}${pad(r.alerts, 8)}${pad(r.incidents, 11)}${pad(r.uncategorized, 15)}`,
  );
}
if (unmatched.length) console.log(`\nERROR/FATAL records no rule explains:\n  ${unmatched.join('\n  ')}`);
