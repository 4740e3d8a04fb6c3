/**
 * The context bundle: what a model is told about one issue, bounded in size and rendered as plain text. App and
 * category with the evidence behind it, counts, histogram and trend, affected entities, up to 3 samples with their
 * stack and neighbouring lines, related issues of the same incident, people affected (pseudonymised), and the
 * source's recent health. Every piece goes through the AI redactor before it is returned: the text here is exactly
 * the text sent.
 */
import { createHash } from 'node:crypto';
import type { SourceStats } from '../core/ports.ts';
import { appLabel, type Incident, type Issue, type IssueSample } from '../core/types.ts';
import type { PollerStatus } from '../sources/api-poller.ts';
import type { AiRedactor } from './redact.ts';
import type { Redacted } from './types.ts';

export interface BundleDeps {
  /** The incident the issue belongs to, with its other issues. */
  incidentOf(issueId: string): { incident: Incident; issues: Issue[] } | undefined;
  /** API state of the source (pollers), when it has an API configured. */
  apiStatus(source: string): PollerStatus | undefined;
  stats(source: string): SourceStats | undefined;
  /** Lines around a sample in its file (neighbours.ts), or undefined. */
  neighbours(sample: IssueSample): Promise<{ before: string[]; after: string[] } | undefined>;
  now(): number;
}

export interface Bundle {
  system: Redacted;
  user: Redacted;
  /** Hash of the evidence (samples with numbers and times masked): the cache key beside the fingerprint. */
  sampleHash: string;
  /** Documentation prefixes the answer may link to. */
  docs: string[];
}

/** Documentation a model may point at, per app (anything else it links is dropped). */
export const APP_DOCS: Readonly<Record<string, string[]>> = {
  plex: ['https://support.plex.tv/articles/'],
  jellyfin: ['https://jellyfin.org/docs/'],
  emby: ['https://emby.media/support/'],
  sonarr: ['https://wiki.servarr.com/sonarr'],
  radarr: ['https://wiki.servarr.com/radarr'],
  prowlarr: ['https://wiki.servarr.com/prowlarr'],
  lidarr: ['https://wiki.servarr.com/lidarr'],
  readarr: ['https://wiki.servarr.com/readarr'],
  whisparr: ['https://wiki.servarr.com/whisparr'],
  bazarr: ['https://wiki.bazarr.media/'],
  overseerr: ['https://docs.overseerr.dev/'],
  qbittorrent: ['https://github.com/qbittorrent/qBittorrent/wiki/'],
  sabnzbd: ['https://sabnzbd.org/wiki/'],
  tautulli: ['https://github.com/Tautulli/Tautulli/wiki/'],
};

export const SYSTEM_PROMPT = [
  'You are a careful support engineer for self-hosted media servers (Plex, Jellyfin, Emby, Sonarr, Radarr and friends).',
  'You are given one issue that a log monitor grouped from repeated log records, with its context.',
  'Explain the most likely root cause and what the owner should do, using only what the context shows.',
  'Answer with one JSON object and nothing else, matching the schema you were given:',
  'summary (one sentence), cause, confidence from 0 to 1 (low when the context does not show the cause),',
  'evidence (lines quoted exactly from the context), fix (ordered steps), links (only from the documentation list; may be empty).',
  'Values shown as [redacted], [email], [public-ip], [user] or user-xxxxxx were hidden on purpose: never guess them.',
].join('\n');

const SAMPLE_CHARS = 2500;
const NEIGHBOUR_CHARS = 1200;
const MAX_SAMPLES = 3;

export async function buildBundle(
  issue: Issue,
  deps: BundleDeps,
  redactor: AiRedactor,
  maxChars: number,
): Promise<Bundle> {
  // Names first, so every later mention of them is pseudonymised.
  redactor.addPeople([...issue.users, ...(issue.entities?.user ?? []).map((e) => e.value)]);
  const docs = APP_DOCS[issue.app] ?? [];
  const now = deps.now();
  const head: string[] = [];
  head.push(`Issue: ${issue.title}`);
  head.push(`App: ${appLabel(issue.app)} (version not known); sources: ${issue.sources.join(', ')}`);
  const ev = issue.evidence ? ` (decided by ${issue.evidence.layer}: ${issue.evidence.detail})` : '';
  head.push(`Category: ${issue.category}${ev}${issue.ruleId ? `; rule ${issue.ruleId}` : ''}`);
  head.push(
    `Severity ${issue.severity}, highest level ${issue.level}, status ${issue.status}${issue.regressed ? ' (regressed)' : ''}, impact ${issue.impact}/100`,
  );
  head.push(
    `Occurrences: ${issue.count}; first seen ${iso(issue.firstSeen)}; last seen ${iso(issue.lastSeen)} (now ${iso(now)})`,
  );
  head.push(...trend(issue, now));
  if (issue.template) head.push(`Message template: ${issue.template}`);
  for (const [kind, list] of Object.entries(issue.entities ?? {})) {
    if (!list?.length) continue;
    head.push(`Affected ${kind}: ${list.map((e) => `${e.value} (${e.count})`).join(', ')}`);
  }
  if (issue.users.length || issue.sessions.length || issue.clients.length) {
    const names = issue.users.slice(0, 10).map((u) => redactor.pseudonym(u));
    head.push(
      `People affected: ${issue.users.length} users${names.length ? ` (${names.join(', ')})` : ''}, ${issue.sessions.length} playback sessions, ${issue.clients.length} client devices`,
    );
  }
  const inc = deps.incidentOf(issue.id);
  if (inc) {
    const others = inc.issues.filter((i) => i.id !== issue.id).slice(0, 8);
    head.push(`Incident: "${inc.incident.title}" started ${iso(inc.incident.startedAt)}; other issues in it:`);
    for (const o of others)
      head.push(`  - [${o.sources.join(',')}] ${o.title} (${o.category}, ${o.count}x, ${o.level})`);
  }
  for (const source of issue.sources.slice(0, 3)) head.push(...health(source, deps));
  if (docs.length) head.push(`Documentation you may link (URLs starting with): ${docs.join(' ')}`);

  const chosen = pickSamples(issue.samples);
  const blocks: Array<{ sample: string; neighbours: string }> = [];
  for (const [i, s] of chosen.entries()) {
    const n = await deps.neighbours(s);
    const nText =
      n && (n.before.length || n.after.length)
        ? cut(
            [
              ...n.before.map((l) => `  before| ${l}`),
              '  ...the sample...',
              ...n.after.map((l) => `  after | ${l}`),
            ].join('\n'),
            NEIGHBOUR_CHARS,
          )
        : '';
    blocks.push({
      sample: `Sample ${i + 1} of ${chosen.length} (${iso(s.time)}, ${s.level}, source ${s.source}):\n${cut(s.raw, SAMPLE_CHARS)}`,
      neighbours: nText ? `Lines around sample ${i + 1} in its log:\n${nText}` : '',
    });
  }

  // Size bound: neighbours go first, then the later samples; the head is cut last.
  const render = (withNeighbours: boolean, samples: number): string =>
    [
      head.join('\n'),
      ...blocks.slice(0, samples).flatMap((b) => [b.sample, ...(withNeighbours && b.neighbours ? [b.neighbours] : [])]),
    ].join('\n\n');
  let text = render(true, blocks.length);
  if (text.length > maxChars) text = render(false, blocks.length);
  for (let n = blocks.length - 1; text.length > maxChars && n >= 1; n--) text = render(false, n);
  if (text.length > maxChars) text = cut(text, maxChars);

  return {
    system: redactor.apply(SYSTEM_PROMPT),
    user: redactor.apply(text),
    sampleHash: evidenceHash(chosen),
    docs,
  };
}

/** First sample (the oldest), the richest (longest, usually the one with a stack) and the latest, distinct. */
export function pickSamples(samples: readonly IssueSample[]): IssueSample[] {
  if (samples.length <= MAX_SAMPLES) return [...samples];
  const first = samples[0] as IssueSample;
  const last = samples[samples.length - 1] as IssueSample;
  const richest = samples.slice(1, -1).reduce((a, b) => (b.raw.length > a.raw.length ? b : a));
  const out: IssueSample[] = [];
  const seen = new Set<string>();
  for (const s of [first, richest, last]) {
    const k = shape(s.raw);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(s);
  }
  return out;
}

/** The hash of the samples' shapes: the same error with other numbers, times or ids is the same evidence. */
export function evidenceHash(samples: readonly IssueSample[]): string {
  const shapes = [...new Set(samples.map((s) => shape(s.raw)))].sort();
  return createHash('sha256').update(shapes.join('\n\u0000')).digest('hex').slice(0, 16);
}

function shape(raw: string): string {
  return raw.replace(/[0-9a-f]{8,}/gi, '#').replace(/\d+/g, '#');
}

function trend(issue: Issue, now: number): string[] {
  const hour = Math.floor(now / 3_600_000);
  const at = (h: number): number => issue.histogram[h - issue.histogramStart] ?? 0;
  const last24: number[] = [];
  for (let h = hour - 23; h <= hour; h++) last24.push(at(h));
  const recent = last24.slice(-6).reduce((a, b) => a + b, 0);
  const before = last24.slice(-12, -6).reduce((a, b) => a + b, 0);
  const word = recent > before * 1.5 ? 'rising' : recent * 1.5 < before ? 'falling' : 'steady';
  return [
    `Trend: ${recent} in the last 6 h, ${before} in the 6 h before (${word})`,
    `Hourly counts, last 24 h, oldest first: ${last24.join(' ')}`,
  ];
}

function health(source: string, deps: BundleDeps): string[] {
  const out: string[] = [];
  const s = deps.stats(source);
  if (s) {
    out.push(
      `Source ${source} health: ${s.recordsPerMinute} records/min, ${s.errors5m} errors and ${s.warnings5m} warnings in 5 min, ${s.errors1h} errors in 1 h, last record ${s.lastRecordAt ? iso(s.lastRecordAt) : 'never'}, ${s.parseFailures} unreadable lines`,
    );
  }
  const api = deps.apiStatus(source);
  if (api) {
    const state = api.ok === null ? 'not polled yet' : api.ok ? 'answering' : `failing (${api.failures} times)`;
    out.push(
      `Source ${source} API: ${state}${api.lastOkAt ? `, last answer ${iso(api.lastOkAt)}` : ''}${api.lastError ? `, last error: ${api.lastError}` : ''}`,
    );
  }
  return out;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 15)}\n[...cut here]` : text;
}

function iso(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
