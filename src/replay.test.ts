import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { LogRecord } from './core/types.ts';
import { grouped, replay } from './replay.ts';

const sink = () =>
  new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });

test("replay dates times of day by the file's mtime, never after it", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-replay-'));
  try {
    const file = join(dir, 'console.log');
    writeFileSync(file, '[07:00:00] [INF] [1] Main: up\n[23:00:00] [ERR] [1] Main: down\n');
    const mtime = new Date('2024-03-01T08:00:00Z');
    utimesSync(file, mtime, mtime);
    const records: LogRecord[] = [];
    await replay({
      app: 'jellyfin',
      tz: 'UTC',
      events: false,
      format: 'ndjson',
      files: [file],
      out: sink(),
      onRecord: (r) => {
        records.push(r);
        return undefined;
      },
    });
    assert.deepEqual(
      records.map((r) => new Date(r.time).toISOString()),
      ['2024-03-01T07:00:00.000Z', '2024-02-29T23:00:00.000Z'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('counts are grouped as en-US writes them, without Intl', () => {
  for (const v of [0, 7, 999, 1000, 12345, 999999, 1000000, 1234567890, -1234, -12, 2 ** 53 + 2, 1.5])
    assert.equal(grouped(v), v.toLocaleString('en-US'), String(v));
});
