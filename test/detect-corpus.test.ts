/**
 * Detection over the whole real corpus, each file replayed on its own time as `arrgus replay` does: every ERROR/FATAL
 * record joins an issue, no DEBUG/TRACE record ever counts towards an alert, and the issues the corpus is known for
 * are found with the right category.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AlertEvent } from '../src/core/events.ts';
import { LEVEL_RANK } from '../src/core/types.ts';
import { attachDetection } from '../src/replay-detect.ts';
import { corpusCases, replayFile } from './corpus.ts';

function detectFile(path: string, app: string) {
  const d = attachDetection({});
  const alerts: AlertEvent[] = [];
  const { records } = replayFile(path, app);
  const fps = records.map((r) => (d.onRecord?.(r) as { fingerprint?: string } | undefined)?.fingerprint);
  const out = d.finish?.();
  for (const l of out?.lines ?? []) if (l.type === 'alert') alerts.push(l as unknown as AlertEvent);
  return { records, fps, issues: d.detector.list(), lines: out?.lines ?? [] };
}

const EXPECT: Array<[string, string]> = [
  ['plex/pms-database-locked-2019.log', 'database.locked'],
  ['plex/pms-db-corruption-2025.log', 'database.corrupt'],
  ['plex/pms-hw-transcode-cuda-missing-2022.log', 'transcode.cuda-missing'],
  ['plex/pms-dns-failure-myplex-401-2025.log', 'auth.unauthorized'],
  ['jellyfin/jf-10.9-ftl-database-locked-startup.log', 'database.locked'],
  ['jellyfin/jf-10.9-ffmpeg-exit-code-1.log', 'transcode.ffmpeg-exit'],
  ['radarr/radarr-v0.2-import-path-not-accessible-2017.log', 'import.path-inaccessible'],
  ['sonarr/sonarr-v3-transmission-timeout-2019.log', 'download-client.unreachable'],
  ['prowlarr/prowlarr-cardigann-rarbg-429-502-2022.log', 'indexer.rate-limited'],
  ['tautulli/tautulli-websocket-uncaught-traceback-2019.log', 'crash.uncaught-exception'],
];

describe('detection on the real corpus', () => {
  const cases = corpusCases();
  test('every ERROR/FATAL record joins an issue; DEBUG/TRACE never alert', () => {
    for (const c of cases) {
      const { records, fps, lines } = detectFile(c.path, c.expected.app);
      records.forEach((r, i) => {
        if (LEVEL_RANK[r.level] >= LEVEL_RANK.error)
          assert.ok(fps[i], `${c.expected.file}: an ${r.level} record joined no issue`);
      });
      for (const l of lines) {
        if (l.type === 'alert')
          assert.ok(
            LEVEL_RANK[l.level as 'info'] >= LEVEL_RANK.info,
            `${c.expected.file}: alert at level ${String(l.level)}`,
          );
      }
    }
  });

  for (const [file, rule] of EXPECT) {
    test(`${file} → ${rule}`, () => {
      const c = cases.find((x) => x.path.endsWith(file));
      assert.ok(c, `missing corpus file ${file}`);
      const { issues } = detectFile(c.path, c.expected.app);
      assert.ok(
        issues.some((i) => i.ruleId === rule),
        `rules found: ${issues.map((i) => i.ruleId).join(', ')}`,
      );
    });
  }

  test('seven Radarr import failures on three paths are one issue, and one alert', () => {
    const c = cases.find((x) => x.path.endsWith('radarr-v0.2-import-path-not-accessible-2017.log'));
    assert.ok(c);
    const { issues, lines } = detectFile(c.path, 'radarr');
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.count, 7);
    assert.equal(lines.filter((l) => l.type === 'alert' && l.event === 'fired').length, 1);
  });
});
