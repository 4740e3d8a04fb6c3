import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { corpusCases } from '../test/corpus.ts';
import { replay } from './replay.ts';
import { attachDetection } from './replay-detect.ts';

/** The replay's whole output, as `arrgus replay` prints it, without the summary's timings and memory. */
async function output(
  files: string[],
  app: string,
  parseThread: boolean,
  events: boolean,
  format: 'ndjson' | 'summary' = 'ndjson',
): Promise<string> {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  await replay({ app, tz: 'UTC', events, format, files, out, parseThread, ...attachDetection({ tz: 'UTC' }) });
  return text
    .replace(/"seconds":[\d.]+,"linesPerSecond":\d+,"peakRssMB":[\d.]+/, '')
    .replace(/in [\d.]+ s \([\d,]+ lines\/s, peak memory [\d.]+ MB\)/, '');
}

describe('replay on a parse thread', () => {
  const cases = corpusCases();
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-replay-thread-'));

  test('prints exactly what the single-threaded replay prints, for every corpus file', async () => {
    assert.ok(cases.length >= 90, `expected the whole corpus, found ${cases.length} files`);
    // One replay per app, of all its files (one parse thread reads them in turn).
    const byApp = new Map<string, string[]>();
    for (const c of cases) byApp.set(c.expected.app, [...(byApp.get(c.expected.app) ?? []), c.path]);
    for (const [app, files] of byApp) {
      for (const events of [true, false]) {
        const one = await output(files, app, false, events);
        const two = await output(files, app, true, events);
        assert.equal(two, one, `${app}${events ? ' --events' : ''}`);
        assert.match(one, /"type":"summary"/);
      }
    }
  });

  test('keeps order and counts over many batches, in auto mode and across files', async () => {
    // The whole corpus, five times over: ~tens of thousands of lines, many batches, every format in one stream.
    const all = cases.map((c) => readFileSync(c.path, 'utf8')).join('\n');
    const big = join(dir, 'mixed.log');
    writeFileSync(big, `${all}\n`.repeat(5));
    const plex = join(dir, 'plex.log');
    const plexText = cases
      .filter((c) => c.app === 'plex')
      .map((c) => readFileSync(c.path, 'utf8'))
      .join('\n');
    writeFileSync(plex, `${plexText}\n`.repeat(10));
    for (const [files, app] of [
      [[big], 'auto'],
      [[plex, big], 'plex'],
    ] as const) {
      for (const format of ['ndjson', 'summary'] as const) {
        const one = await output([...files], app, false, false, format);
        const two = await output([...files], app, true, false, format);
        assert.equal(two, one, `${app} ${format}`);
        assert.match(one, /Replayed|"type":"summary"/);
      }
      const withEvents = await output([...files], app, true, true);
      assert.equal(withEvents, await output([...files], app, false, true), `${app} --events`);
    }
  });

  test('reads odd bytes as the splitter does: CRLF, NUL, long lines, non-ASCII, lines across chunks, no last newline', async () => {
    const line = (i: number) =>
      `Mar 01, 2025 18:00:${String(i % 60).padStart(2, '0')}.003 [0x7f70] ERROR - thing ${i} failed`;
    const parts: string[] = [];
    // ~2.3 MB (three 1 MB reads): the first read is ASCII with a CRLF line and one over the cap, the second has
    // non-ASCII text and a NUL byte (the splitter reads it all), the third is ASCII with a long continuation line.
    for (let i = 0; i < 40_000; i++) {
      if (i === 7000) parts.push(`${line(i)}\r`);
      else if (i === 9000) parts.push(`${line(i)} ${'x'.repeat(70_000)}`);
      else if (i === 21_000) parts.push(`${line(i)} caf\u00e9 \u2014 \u{1f600}`);
      else if (i === 22_000) parts.push(`${line(i)} a\u0000b`);
      else if (i === 35_000) parts.push(`   at continuation ${'y'.repeat(3000)}`);
      else parts.push(line(i));
    }
    const odd = join(dir, 'odd.log');
    writeFileSync(odd, parts.join('\n'));
    const one = await output([odd], 'plex', false, true);
    assert.equal(await output([odd], 'plex', true, true), one);
    assert.match(one, /"lines":40000/);
    assert.match(one, /line truncated/);
  });

  test('a file the parse thread cannot read fails the replay with its path', async () => {
    const sub = join(dir, 'a-directory.log');
    mkdirSync(sub);
    await assert.rejects(output([sub], 'plex', true, false), (err: NodeJS.ErrnoException) => {
      assert.equal(err.code, 'EISDIR');
      return true;
    });
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
