/**
 * Rotation torture: a writer appends numbered lines (sometimes in two halves) to six sources while rotating each in
 * its own scheme — rename+recreate (NLog `.0.txt` shifting), copytruncate to `X.1` (shifting), to `X-date` and to
 * `X.0.txt` (a script mimicking NLog's names), delete+recreate, a new daily file — and an
 * ingestion child process is SIGKILLed and restarted again and again (rotations go on while it is down). At the end
 * every line is in the records table exactly once.
 *
 * The one rule the writer keeps: a file is deleted only while the child is up, and the child is not killed before it
 * has stored that file's lines. Lines of a file deleted while nobody reads it are gone; no tailer can do better.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '../src/store/db.ts';

const ALL_SCHEMES = ['rename', 'copy', 'copydated', 'copyzero', 'delete', 'daily'] as const;
type Scheme = (typeof ALL_SCHEMES)[number];
/** `ARRGUS_TORTURE_SCHEMES=rename,copydated` narrows a run to some schemes (when hunting one). */
const SCHEMES: readonly Scheme[] = process.env.ARRGUS_TORTURE_SCHEMES
  ? ALL_SCHEMES.filter((s) => (process.env.ARRGUS_TORTURE_SCHEMES as string).split(',').includes(s))
  : ALL_SCHEMES;
/**
 * SIGKILLs (and rotations per scheme) a run needs at least: 3 in the default suite, `ARRGUS_TORTURE_KILLS=5` (or more)
 * for a longer proof. `KEEP_TORTURE=1` keeps the folder with a trace of rotations, kills and the child's log
 * (`ARRGUS_CHILD_LOG=debug` for more).
 */
const MIN_KILLS = Number(process.env.ARRGUS_TORTURE_KILLS ?? 3);
const CHILD = new URL('./helpers/ingest-child.ts', import.meta.url).pathname;

const rand = (a: number, b: number) => a + Math.random() * (b - a);

test('every line is stored exactly once through rotations in every scheme and repeated SIGKILLs', {
  timeout: 240_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-torture-'));
  const dataDir = join(root, 'data');
  for (const s of SCHEMES) mkdirSync(join(root, s));
  const live: Record<Scheme, () => string> = {
    rename: () => join(root, 'rename', 'sonarr.txt'),
    copy: () => join(root, 'copy', 'sonarr.txt'),
    copydated: () => join(root, 'copydated', 'sonarr.txt'),
    copyzero: () => join(root, 'copyzero', 'sonarr.txt'),
    delete: () => join(root, 'delete', 'sonarr.txt'),
    daily: () => join(root, 'daily', `log_202601${String(day).padStart(2, '0')}.log`),
  };
  let day = 1;
  const config = {
    dataDir,
    ingest: { idleFlush: '100ms', checkpointInterval: '100ms', rescanInterval: '1s' },
    sources: (
      [
        { name: 'rename', app: 'sonarr', path: join(root, 'rename'), backfill: 'all' },
        { name: 'copy', app: 'sonarr', path: live.copy(), backfill: 'all' },
        { name: 'copydated', app: 'sonarr', path: live.copydated(), backfill: 'all' },
        { name: 'copyzero', app: 'sonarr', path: live.copyzero(), backfill: 'all' },
        { name: 'delete', app: 'sonarr', path: live.delete(), backfill: 'all' },
        { name: 'daily', app: 'jellyfin', path: join(root, 'daily'), backfill: 'all' },
      ] as const
    ).filter((c) => SCHEMES.includes(c.name)),
  };
  const configFile = join(root, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));

  const zero = (): Record<Scheme, number> => ({ rename: 0, copy: 0, copydated: 0, copyzero: 0, delete: 0, daily: 0 });
  const written = zero();
  /** A line's second half still to write (the first half is on disk). */
  const half: Partial<Record<Scheme, string>> = {};
  const text = (s: Scheme, n: number) =>
    s === 'daily'
      ? `[2026-01-01 00:00:00.000 +00:00] [INF] [1] Torture.Writer: ${s} ${n}\n`
      : `2026-01-01 00:00:00.0|Info|Torture|${s} ${n}\n`;
  const writeSome = (s: Scheme) => {
    let out = half[s] ?? '';
    delete half[s];
    for (let i = 0; i < 4; i++) out += text(s, ++written[s]);
    if (Math.random() < 0.3) {
      const next = text(s, ++written[s]);
      const cut = Math.floor(next.length / 2);
      out += next.slice(0, cut);
      half[s] = next.slice(cut);
    }
    appendFileSync(live[s](), out);
  };
  const rotated = zero();
  const rotate = (s: Scheme) => {
    rotated[s]++;
    if (process.env.KEEP_TORTURE) stderr += `### ${Date.now()} rotate ${s} after line ${written[s]}\n`;
    const f = live[s]();
    // Apps rotate between lines, never inside one.
    if (half[s]) appendFileSync(f, half[s] as string);
    delete half[s];
    if (s === 'rename') {
      for (let i = 60; i >= 0; i--) {
        const from = join(root, 'rename', `sonarr.${i}.txt`);
        if (existsSync(from)) renameSync(from, join(root, 'rename', `sonarr.${i + 1}.txt`));
      }
      renameSync(f, join(root, 'rename', 'sonarr.0.txt'));
      writeFileSync(f, '');
    } else if (s === 'copy') {
      for (let i = 60; i >= 1; i--) if (existsSync(`${f}.${i}`)) renameSync(`${f}.${i}`, `${f}.${i + 1}`);
      copyFileSync(f, `${f}.1`);
      truncateSync(f, 0);
    } else if (s === 'copydated') {
      // logrotate `dateext`: every copy keeps its own name, nothing shifts.
      copyFileSync(f, `${f}-202601${String(rotated[s]).padStart(4, '0')}`);
      truncateSync(f, 0);
    } else if (s === 'copyzero') {
      // copytruncate by a script that names copies the way NLog names its archives.
      const dir = join(root, 'copyzero');
      for (let i = 60; i >= 0; i--) {
        const from = join(dir, `sonarr.${i}.txt`);
        if (existsSync(from)) renameSync(from, join(dir, `sonarr.${i + 1}.txt`));
      }
      copyFileSync(f, join(dir, 'sonarr.0.txt'));
      truncateSync(f, 0);
    } else if (s === 'delete') {
      unlinkSync(f);
      writeFileSync(f, '');
    } else {
      day++;
      writeFileSync(live.daily(), '');
    }
  };

  for (const s of SCHEMES) writeFileSync(live[s](), '');
  for (const s of SCHEMES) writeSome(s);

  const count = (source: string): number => {
    const probe = openDatabase(join(dataDir, 'arrgus.db'));
    try {
      const exists = probe.prepare("SELECT 1 FROM sqlite_master WHERE name = 'records'").get();
      if (!exists) return 0;
      return (probe.prepare('SELECT count(*) AS n FROM records WHERE source = ?').get(source) as { n: number }).n;
    } finally {
      probe.close();
    }
  };

  let child: ChildProcess | null = null;
  let ready = false;
  /** Rotations wait for the reader's first start: a generation rotated away before anyone read it is backfill's. */
  let everReady = false;
  let stderr = '';
  let kills = 0;
  const startChild = async () => {
    ready = false;
    if (process.env.KEEP_TORTURE) stderr += `### ${Date.now()} start child (after ${kills} kills)\n`;
    const c = spawn(process.execPath, [CHILD, configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    c.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    await new Promise<void>((resolve, reject) => {
      c.stdout?.on('data', (b: Buffer) => {
        if (b.toString().includes('ready')) {
          ready = true;
          everReady = true;
          resolve();
        }
      });
      c.once('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
  };
  const waitFor = async (cond: () => boolean, ms: number) => {
    const until = Date.now() + ms;
    while (!cond() && Date.now() < until) await sleep(50);
    return cond();
  };

  // The writer: appends every 20 ms; each scheme rotates every 0.6–1.4 s.
  let writing = true;
  let deleteGate = 0;
  const nextRotation = zero();
  for (const s of SCHEMES) nextRotation[s] = Date.now() + rand(600, 1400);
  const writer = (async () => {
    while (writing) {
      for (const s of SCHEMES) {
        writeSome(s);
        if (!everReady || Date.now() < nextRotation[s]) continue;
        if (s === 'delete' && (!ready || deleteGate > 0)) continue;
        rotate(s);
        nextRotation[s] = Date.now() + rand(600, 1400);
        // Everything written before the delete must be stored before the next kill.
        if (s === 'delete') deleteGate = written.delete;
      }
      await sleep(20);
    }
  })();

  try {
    // Bounded by what happened, not by time: a loaded machine starts the child slowly, and the proof needs kills and
    // rotations in every scheme, however long they take.
    const enough = () => kills >= MIN_KILLS && SCHEMES.every((s) => rotated[s] >= MIN_KILLS);
    const giveUp = Date.now() + 150_000;
    while (!enough() && Date.now() < giveUp) {
      await startChild();
      await sleep(rand(700, 2000));
      if (deleteGate > 0) {
        assert.ok(await waitFor(() => count('delete') >= deleteGate, 10_000), 'child caught up with a deleted file');
        deleteGate = 0;
      }
      ready = false;
      (child as ChildProcess | null)?.kill('SIGKILL');
      if (process.env.KEEP_TORTURE) stderr += `### ${Date.now()} SIGKILL ${JSON.stringify(written)}\n`;
      kills++;
      await new Promise((r) => (child as ChildProcess | null)?.once('exit', r));
      await sleep(rand(100, 600));
    }
    writing = false;
    await writer;
    for (const s of SCHEMES) {
      if (half[s]) {
        appendFileSync(live[s](), half[s] as string);
        delete half[s];
      }
    }
    await startChild();
    const done = await waitFor(() => SCHEMES.every((s) => count(s) >= written[s]), 60_000);
    (child as ChildProcess | null)?.kill('SIGTERM');
    await new Promise((r) => (child as ChildProcess | null)?.once('exit', r));

    const probe = openDatabase(join(dataDir, 'arrgus.db'));
    const problems: string[] = [];
    for (const s of SCHEMES) {
      const rows = probe.prepare('SELECT message FROM records WHERE source = ?').all(s) as Array<{ message: string }>;
      const seen = new Map<number, number>();
      for (const r of rows) {
        const n = Number(new RegExp(`^${s} (\\d+)$`).exec(r.message)?.[1]);
        seen.set(n, (seen.get(n) ?? 0) + 1);
      }
      const missing: number[] = [];
      const twice: number[] = [];
      for (let n = 1; n <= written[s]; n++) {
        const c = seen.get(n) ?? 0;
        if (c === 0) missing.push(n);
        if (c > 1) twice.push(n);
      }
      const strange = rows.filter((r) => !new RegExp(`^${s} (\\d+)$`).test(r.message)).map((r) => r.message);
      if (missing.length || twice.length || strange.length) {
        problems.push(
          `${s}: ${written[s]} written, ${rows.length} stored, missing ${missing.slice(0, 10).join(',')} (${missing.length}), twice ${twice.slice(0, 10).join(',')} (${twice.length}), unexpected ${JSON.stringify(strange.slice(0, 3))}`,
        );
      }
    }
    probe.close();
    assert.ok(kills >= MIN_KILLS, `killed ${kills} times`);
    assert.ok(
      SCHEMES.every((s) => rotated[s] >= MIN_KILLS),
      `rotations: ${JSON.stringify(rotated)}`,
    );
    assert.deepEqual(problems, [], `${problems.join('\n')}\nchild stderr:\n${stderr.slice(-4000)}`);
    assert.ok(done);
    const total = SCHEMES.reduce((n, s) => n + written[s], 0);
    console.log(`torture: ${total} lines, ${kills} SIGKILLs, rotations ${JSON.stringify(rotated)}: 0 lost, 0 twice`);
  } finally {
    writing = false;
    await writer;
    (child as ChildProcess | null)?.kill('SIGKILL');
    if (process.env.KEEP_TORTURE) {
      writeFileSync(join(root, 'child.log'), stderr);
      console.log(`kept ${root}`);
    } else rmSync(root, { recursive: true, force: true });
  }
});
