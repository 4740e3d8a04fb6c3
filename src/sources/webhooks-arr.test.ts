import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sourceSchema } from '../config/sources.ts';
import { ARR_KNOWN, arrFailure, arrHealth, arrHealthProblem, arrQueueProblem } from './webhooks-arr.ts';

const sonarr = sourceSchema.parse({ name: 'tv', app: 'sonarr', url: 'http://127.0.0.1:8989' });

describe('*arr webhook problems', () => {
  it('keys health problems by check type and rates errors high', () => {
    const h = arrHealth.parse({
      eventType: 'Health',
      level: 'error',
      type: 'IndexerStatusCheck',
      message: 'Indexers unavailable due to failures',
      wikiUrl: 'https://wiki.servarr.com/sonarr/system#indexers-are-unavailable-due-to-failures',
    });
    const p = arrHealthProblem(sonarr, h);
    assert.equal(p.key, 'health:IndexerStatusCheck');
    assert.equal(p.title, 'Sonarr: Indexers unavailable due to failures');
    assert.equal(p.severity, 'high');
    assert.match(p.message, /\(see https:\/\/wiki\.servarr\.com/);
    assert.equal(arrHealthProblem(sonarr, { ...h, level: 'warning' }).severity, 'medium');
  });

  it('keys queue problems by download id and joins the status messages', () => {
    const f = arrFailure.parse({
      eventType: 'ManualInteractionRequired',
      downloadId: 'ABC123',
      release: { releaseTitle: 'Show.S01E01.1080p' },
      downloadStatusMessages: [{ title: 'Show.S01E01', messages: ['No files found are eligible for import'] }],
    });
    const p = arrQueueProblem(sonarr, 'ManualInteractionRequired', f);
    assert.equal(p.key, 'queue:ABC123');
    assert.equal(p.title, 'Stuck in the Sonarr queue: Show.S01E01.1080p');
    assert.equal(p.message, 'No files found are eligible for import');
    const bare = arrQueueProblem(sonarr, 'ImportFailed', arrFailure.parse({ eventType: 'ImportFailed' }));
    assert.equal(bare.key, 'queue:a download');
    assert.equal(bare.message, 'ImportFailed reported by Sonarr');
  });

  it('knows the failure events of every *arr version', () => {
    for (const e of ['ImportFailed', 'ImportFailure', 'DownloadFailed', 'DownloadFailure', 'Health']) {
      assert.ok(ARR_KNOWN.has(e), e);
    }
    assert.ok(!ARR_KNOWN.has('IndexerDeleted'));
  });
});
