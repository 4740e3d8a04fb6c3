import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import { memoryLogger } from '../core/logger.ts';
import { StateStore } from './state.ts';

const dir = mkdtempSync(join(tmpdir(), 'arrgus-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('state store', () => {
  test('writes atomically, reads back, migrates old section versions', async () => {
    const logger = memoryLogger();
    const clock = new ManualClock(1000);
    const a = new StateStore({ dir, file: 'm.json', logger, clock, debounceMs: 10 });
    await a.load();
    let data = { n: 1 };
    a.register('x', { version: 1, snapshot: () => data });
    data = { n: 2 };
    await a.close();
    assert.equal(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).sections.x.data.n, 2);

    const b = new StateStore({ dir, file: 'm.json', logger, clock });
    await b.load();
    const migrated = b.register<{ count: number }>('x', {
      version: 2,
      migrations: { 1: (d) => ({ count: (d as { n: number }).n }) },
      snapshot: () => ({ count: 0 }),
    });
    assert.deepEqual(migrated, { count: 2 });
    const none = b.register('y', { version: 1, snapshot: () => ({}) });
    assert.equal(none, undefined);
  });

  test('flushes faster than the disk join the one write that waits, which writes the newest state', async () => {
    const s = new StateStore({ dir, file: 'c.json', logger: memoryLogger(), clock: new ManualClock(1000) });
    await s.load();
    let n = 0;
    s.register('x', { version: 1, snapshot: () => ({ n }) });
    const writes: Array<Promise<void>> = [];
    for (n = 1; n <= 10; n++) writes.push(s.flush());
    assert.equal(new Set(writes).size, 1, 'one write for ten flushes');
    await Promise.all(writes);
    assert.equal(JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')).sections.x.data.n, 10);
    // Later flushes are coalesced the same way, and the newest state is what lands.
    n = 11;
    const during = [s.flush(), s.flush()];
    assert.equal(new Set(during).size, 1);
    await Promise.all(during);
    assert.equal(JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')).sections.x.data.n, 11);
  });

  test('a missing migration makes that section start empty, with a log line', async () => {
    writeFileSync(
      join(dir, 'v.json'),
      JSON.stringify({ schema: 1, savedAt: 0, sections: { x: { version: 1, data: {} } } }),
    );
    const logger = memoryLogger();
    const s = new StateStore({ dir, file: 'v.json', logger, clock: new ManualClock(0) });
    await s.load();
    assert.equal(s.register('x', { version: 3, snapshot: () => ({}) }), undefined);
    assert.ok(logger.lines.some((l) => l.includes('cannot be used')));
  });

  test('debounced writes happen on their own', async () => {
    const s = new StateStore({ dir, file: 'd.json', logger: memoryLogger(), clock: new ManualClock(0), debounceMs: 5 });
    await s.load();
    s.register('x', { version: 1, snapshot: () => ({ ok: true }) });
    s.markDirty();
    s.markDirty();
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(JSON.parse(readFileSync(join(dir, 'd.json'), 'utf8')).sections.x.data.ok, true);
  });
});
