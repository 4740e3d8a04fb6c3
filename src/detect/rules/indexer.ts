/** Indexer rules: unreachable indexers, rate limits (429), bad answers, RSS gaps; Bazarr's subtitle providers. */
import { NLOG_APPS } from '../../core/types.ts';
import type { RuleDefinition } from './types.ts';

const ARR = [...NLOG_APPS];

export const INDEXER_RULES: readonly RuleDefinition[] = [
  {
    id: 'indexer.rate-limited',
    apps: ARR,
    text: /429\.TooManyRequests|API Request Limit reached|Too Many Requests|\[429:/i,
    category: 'indexer',
    severity: 'medium',
    title: '{app}: indexer rate limit reached (429)',
  },
  {
    id: 'indexer.test-failed',
    apps: ARR,
    message: /Unable to connect to indexer, indexer's server is unavailable/,
    category: 'indexer',
    severity: 'medium',
    title: "{app}: indexer test failed, the indexer's server is unavailable",
  },
  {
    id: 'indexer.unreachable',
    // Names the part that failed, not why: a cause in the same record (credentials, files) decides.
    strength: 'peer',
    apps: ARR,
    message: /^Unable to connect to indexer\b/,
    category: 'indexer',
    severity: 'medium',
    title: '{app} cannot reach indexer {logger}',
  },
  {
    id: 'indexer.bad-response',
    apps: ARR,
    // The *arr HttpClient logger also reports metadata servers (metadata.arr-server); indexers log under their name.
    logger: /^(?!HttpClient$)/,
    text: /^HTTP Error - Res: .*: ([45]\d\d)\.\w+|Unexpected response status \w+ code from API request/,
    category: 'indexer',
    severity: 'medium',
    title: 'Indexer {logger} answers with errors',
  },
  {
    id: 'indexer.rss-gap',
    apps: ARR,
    message: /^Indexer (.+?) rss sync didn't cover the period/,
    category: 'indexer',
    severity: 'low',
    title: 'Indexer {1}: RSS sync gap, releases may be missed',
  },
  {
    id: 'indexer.subtitle-providers-throttled',
    apps: ['bazarr'],
    // Bazarr logs throttling at INFO in some versions (no issue then: INFO never makes one).
    message: /All providers are throttled|^Throttling (\S+) for /,
    category: 'indexer',
    severity: 'medium',
    title: 'Bazarr subtitle providers are throttled',
    group: 'rule',
  },
];
