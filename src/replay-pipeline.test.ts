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
