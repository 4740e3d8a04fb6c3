/** `arrgus replay` end to end: the real CLI in a child process, over corpus files, stdin, and bad input. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { CORPUS_DIR } from './corpus.ts';

const CLI = new URL('../src/cli.ts', import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function arrgus(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const lines = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const PLEX_FILE = `${CORPUS_DIR}plex/pms-database-locked-2019.log`;

describe('arrgus replay', () => {
  test('--explain prints, per issue, the evidence behind its category, its template and affected files', async () => {
    const r = await arrgus([
      'replay',
      '--app',
      'radarr',
      '--explain',
      `${CORPUS_DIR}radarr/radarr-v3-not-enough-free-space-2020.log`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\[high\] Radarr: not enough free disk space$/m);
    assert.match(r.stdout, /^ {2}category disk: rule layer, rule disk\.no-space$/m);
    assert.match(r.stdout, /^ {2}template: Not enough free space .*<path>/m);
    assert.match(r.stdout, /^ {2}file: .*Titanic \(1997\).*\(1\)/m);
    assert.match(r.stdout, /^Detection: issues 1,/m);
  });

  test('issue lines carry evidence, template and entities', async () => {
    const r = await arrgus(['replay', '--app', 'plex', PLEX_FILE]);
    const issue = lines(r.stdout).find((l) => l.type === 'issue' && l.category === 'database');
    assert.ok(issue, r.stdout);
    assert.deepEqual(issue.evidence, { layer: 'rule', detail: 'rule database.locked' });
    assert.equal(typeof issue.template, 'string');
  });

  test('--events prints one record line per record and a summary last', async () => {
    const r = await arrgus(['replay', '--events', '--app', 'plex', '--tz', 'UTC', PLEX_FILE]);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    const summary = out.at(-1) as Record<string, unknown>;
    assert.equal(summary.type, 'summary');
    const records = out.filter((l) => l.type === 'record');
    assert.equal(records.length, summary.records);
    assert.equal(
      records.reduce((n, l) => n + (l.lines as number), 0),
      summary.lines,
      'record lines are physical lines',
    );
    const byLevel = summary.byLevel as Record<string, number>;
    assert.equal(
      Object.values(byLevel).reduce((a, b) => a + b, 0),
      summary.records,
    );
    assert.equal(typeof summary.seconds, 'number');
    assert.equal(typeof summary.linesPerSecond, 'number');
    for (const rec of records) {
      assert.equal(rec.app, 'plex');
      assert.equal(typeof rec.time, 'number');
      assert.equal(typeof rec.raw, 'string');
    }
  });

  test('without --events only the summary is printed; auto detects the app from the content', async () => {
    const r = await arrgus(['replay', PLEX_FILE]);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.equal(out.filter((l) => l.type === 'record').length, 0);
    assert.equal(out.at(-1)?.type, 'summary');
    const withEvents = lines((await arrgus(['replay', '--events', PLEX_FILE])).stdout);
    assert.ok(withEvents.filter((l) => l.type === 'record' && !l.orphan).every((l) => l.app === 'plex'));
  });

  test('reads stdin with `-` (and with no file at all); --tz shifts wall-clock times', async () => {
    const text =
      'Jan 05, 2023 12:00:00.000 [0x1] ERROR - boom\n  at frame\nJan 05, 2023 12:00:01.000 [0x1] INFO - ok\n';
    const r = await arrgus(['replay', '--events', '--tz', '+02:00', '-'], text);
    assert.equal(r.code, 0, r.stderr);
    const recs = lines(r.stdout).filter((l) => l.type === 'record');
    assert.deepEqual(
      recs.map((l) => [l.level, l.lines, l.source, l.time]),
      [
        ['error', 2, 'stdin', Date.UTC(2023, 0, 5, 10)],
        ['info', 1, 'stdin', Date.UTC(2023, 0, 5, 10, 0, 1)],
      ],
    );
    const bare = await arrgus(['replay'], text);
    assert.equal(lines(bare.stdout).at(-1)?.lines, 3);
  });

  test('--format summary prints a human-readable summary only', async () => {
    const r = await arrgus(['replay', '--format', 'summary', '--events', PLEX_FILE]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Replayed \d+ lines into \d+ records in [\d.]+ s \([\d,]+ lines\/s, peak memory [\d.]+ MB\)\.\nBy level: fatal \d+, error/,
    );
    assert.doesNotMatch(r.stdout, /"type"/);
  });

  test('a missing file is a clear error with exit code 1 and nothing on stdout', async () => {
    const r = await arrgus(['replay', PLEX_FILE, '/nonexistent/arrgus/plex.log']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no such file: \/nonexistent\/arrgus\/plex\.log/);
    assert.equal(r.stdout, '');
  });

  test('bad flags exit with code 2 and say what was expected', async () => {
    for (const args of [
      ['replay', '--bogus', PLEX_FILE],
      ['replay', '--app', 'winamp', PLEX_FILE],
      ['replay', '--format', 'xml', PLEX_FILE],
      ['replay', '--tz', 'Mars/Olympus', PLEX_FILE],
    ]) {
      const r = await arrgus(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /arrgus replay:/);
      assert.equal(r.stdout, '');
    }
  });
});
