/**
 * Templates: a message with its variable parts masked, and those parts kept as the issue's affected entities. Paths
 * and file names, quoted strings, user and device names where the wording names them, URLs (their host is kept),
 * addresses, ids, hex, GUIDs, times, durations and numbers become placeholders; what is left is the wording of the
 * problem, which clusters.ts groups. Pure: no state, no clock.
 */
import type { EntityKind } from '../core/types.ts';
import { mayMatch } from './fingerprint.ts';

/** Messages are cut before masking: a template is decided by its start; giant HTML bodies cost nothing extra. */
const MAX_INPUT = 600;

export interface Masked {
  /** The masked message, tokens separated by single spaces. */
  template: string;
  /** Entities found, in order (a kind and the raw value). */
  entities: Array<[EntityKind, string]>;
}

/** Where an entity sits in the message: another message of the same digit shape has its own value at the same place. */
export type EntitySpan = [EntityKind, number, number];

/** The spans of `entities` in `message` (each value's first place at or after the previous one's, else its first). */
export function entitySpans(message: string, entities: Masked['entities']): EntitySpan[] {
  const out: EntitySpan[] = [];
  for (const [kind, value] of entities) {
    const at = message.indexOf(value);
    if (at >= 0) out.push([kind, at, at + value.length]);
  }
  return out;
}

type Step = [RegExp, (m: string, pre: string, out: Masked['entities'], ...groups: string[]) => string, string];

const NAME_STOP =
  /^(?:is|was|has|had|not|and|or|the|a|an|to|from|in|on|for|of|with|id|ids|name|names|data|settings|profile|session|sessions|list|agent|already|does|did|could|cannot|can|will|must|should|already|found|account|request|requests|info|information|error|errors|\W.*)$/i;

/** A path inside a quoted value: `'C:\\x\\y.log'`, `"/data/movies/x.mkv"`, `… the file '/x' because …`. */
const QUOTED_PATH = /(?:[a-z]:\\|\\\\|~?\/)[^"'\n]*/i;

/** Placeholder for a quoted value, by what the words before it say it is, and the entity it names (if any). */
function quotedKind(value: string, pre: string): [EntityKind | null, string, string] {
  const path = QUOTED_PATH.exec(value);
  if (path && path.index === 0) return ['file', '<path>', value];
  if (path) return ['file', '<str>', path[0]];
  const before = pre.slice(-24);
  const plain = value.length <= 64 && !/[<>{}]/.test(value);
  if (plain && /\b(?:user(?:name)?|account|login)\s*[:=]?\s*$/i.test(before)) return ['user', '<user>', value];
  if (plain && /\b(?:device|client|player|platform)(?: name)?\s*[:=]?\s*$/i.test(before))
    return ['device', '<device>', value];
  if (plain && /\bindexer\s*[:=]?\s*$/i.test(before)) return ['indexer', '<indexer>', value];
  if (plain && /\bdownload ?client\s*[:=]?\s*$/i.test(before)) return ['downloadClient', '<client>', value];
  return [null, '<str>', value];
}

function hostOf(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?(\[[0-9a-f:.]+\]|[^/:?#\s\]]+)/i.exec(url);
  return m ? (m[1] as string).toLowerCase() : null;
}

/**
 * Order matters: URLs before paths, timestamps before times and numbers, named values and quoted strings before the
 * paths, ids and numbers inside them. Path segments may contain spaces (media file names do), the last one only up to
 * a file extension. Each step: pattern, replacer, characters the text must contain for the pattern to possibly match.
 */
const STEPS: readonly Step[] = [
  [
    /\b[a-z][a-z0-9+.-]{1,15}:\/\/(?:\[[0-9a-f:.]+\])?[^\s"'<>\])]*/gi,
    (m, _p, out) => {
      const h = hostOf(m);
      if (h) out.push(['host', h]);
      return '<url>';
    },
    '://',
  ],
  [/\b[\w.+-]*[a-z][\w.+-]*@[\w-]+(?:\.[\w-]+)+\b/gi, () => '<email>', '@'],
  [
    /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|\s?[+-]\d{2}:?\d{2})?)?|\b\d{1,2}\/\d{1,2}\/\d{2,4}(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AP]M)?)?/gi,
    () => '<ts>',
    '-/',
  ],
  // Names the wording introduces: `user: bob`, `username=bob`, `Device: Shield` (quoted ones below).
  [
    /\b(user(?:name)?|account|device|client|player)( name)?( ?[:=] ?)(?!["'<])([^\s,;'"()[\]{}]{1,64})/gi,
    (m, _p, out, word, name, sep, value) => {
      if (NAME_STOP.test(value as string)) return m;
      const user = /^(?:user|username|account)$/i.test(word as string);
      out.push([user ? 'user' : 'device', value as string]);
      return `${word}${name ?? ''}${sep}${user ? '<user>' : '<device>'}`;
    },
    '',
  ],
  // Quoted strings (an apostrophe inside a word, as in "couldn't", is not a quote).
  [
    /"([^"\n]*)"|(?<![\w])'([^'\n]*)'(?![\w])/g,
    (_m, pre, out, dq, sq) => {
      const [kind, ph, entity] = quotedKind((dq ?? sq ?? '') as string, pre);
      if (kind && entity !== '') out.push([kind, entity]);
      return ph;
    },
    `"'`,
  ],
  // Windows paths (drive or UNC), then Unix paths starting at a separator that follows no word character.
  [
    /(?:\b[a-z]:|\\\\[\w.$-]+)\\(?:[^\\\n"<>|]*\\)*(?:[^\\\n"<>|]*\.\w{2,4}(?=$|[\s)"',;:])|[^\s\\"'<>|:,()]*)/gi,
    (m, _p, out) => {
      out.push(['file', m]);
      return '<path>';
    },
    '\\',
  ],
  [
    /(?<![\w.~:/<>-])(?:~|\.{1,2})?\/(?!dev\/)(?:[^/\n"<>:]*\/)*(?:[^/\n"<>:]*\.[a-z]\w{1,3}(?=$|[\s)"',;:])|[^\s/"<>:,()[\]]*(?:(?:\s+(?:[A-Z0-9([][^\s/"]*|of|the|and|a|an|in|on|at|to|for|-))+(?=\s*$|[,;:"'\]]))?)/g,
    (m, _p, out) => {
      if (m === '/') return m;
      out.push(['file', m]);
      return '<path>';
    },
    '/',
  ],
  // Host names (lowercase: .NET namespaces are CamelCase): `Could not resolve host: api.example.org`.
  [
    /(?<![\w.@/-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|tv|io|info|me|co|uk|de|fr|nl|eu|club|video|audio|link|app|dev|xyz|local|lan|home|arpa|cc|to|se|ru|ch|be|it|es|pl|ca|au|us|biz|site|online|cloud|ws|is|li|la|gg|su|st|sx|cz|dk|fi|no|pt|ro|hu|gr|nz|at|jp|br|in)\b(?::\d{1,5})?(?![\w-])/g,
    (m, _p, out) => {
      out.push(['host', m.replace(/:\d+$/, '')]);
      return '<host>';
    },
    '.',
  ],
  // Media file names without a folder (`Title - S01E02.mkv`): the name's last word; clusters.ts absorbs the rest.
  [
    /(?<![\w<])[^\s"'<>]*\.(?:mkv|mp4|m4v|avi|mov|wmv|ts|m2ts|webm|mpg|mpeg|flv|mp3|flac|m4a|m4b|aac|ogg|opus|wav|srt|ass|ssa|sub|idx|vtt|nfo|jpg|jpeg|png|epub|mobi|azw3|pdf|cbz|cbr|nzb|torrent|iso|img)\b/gi,
    (m, _p, out) => {
      out.push(['file', m]);
      return '<path>';
    },
    '.',
  ],
  // UUIDs with and without dashes, 0x… values, other hex ids (8+ chars with a digit and a letter).
  [/\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi, () => '<id>', ''],
  [/\b0x[0-9a-f]+\b/gi, () => '<hex>', '0x'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, () => '<hex>', ''],
  // Request and connection ids: Plex `Req#1bee`, `HCl#5b`.
  [/#[0-9a-f]{1,8}\b/gi, () => '#<id>', '#'],
  // IPv4 and bracketed IPv6 with optional port, bare IPv6 (needs `::` or a hex letter in a group).
  [
    /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g,
    (m, _p, out) => {
      out.push(['host', m.replace(/:\d+$/, '')]);
      return '<ip>';
    },
    '.',
  ],
  [/\[[0-9a-f]*:[0-9a-f:.]*\](?::\d{1,5})?/gi, () => '<ip>', '['],
  [/(?<![\w:])(?=[0-9a-f:]*(?:::|[a-f][0-9a-f]*:))(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi, () => '<ip>', ':'],
  // Times of day and .NET/clock durations (00:00:00.0512253), then numbers with duration units.
  [/\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b/g, () => '<time>', ':'],
  [
    /\b\d+(?:\.\d+)?\s?(?:ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)\b/gi,
    () => '<duration>',
    '',
  ],
  // Any other number, signed or decimal, standing alone (not inside identifiers like h264 or v3.0.1).
  [/(?<![\w.])-?\d+(?:\.\d+)?\b/g, () => '<n>', ''],
];

/** The steps that hide names (URLs, e-mail addresses, paths, file names, host names), by the index in STEPS. */
const NAME_STEPS = [0, 1, 5, 6, 7, 8];

/**
 * The text keywords are looked for in: URLs, paths, file and host names hidden (`/data/Metadata/x` names no
 * metadata problem), quoted sentences kept (`Error processing request: "Could not find file …"` says what failed).
 */
export function wordsOf(text: string): string {
  let s = text.length > MAX_INPUT * 2 ? text.slice(0, MAX_INPUT * 2) : text;
  for (const i of NAME_STEPS) {
    const [re, , needs] = STEPS[i] as Step;
    if (mayMatch(s, needs)) s = s.replace(re, ' ');
  }
  return s;
}

/** Masks `message` and collects what it masked. */
export function maskMessage(message: string): Masked {
  let s = message.length > MAX_INPUT ? message.slice(0, MAX_INPUT) : message;
  const entities: Masked['entities'] = [];
  for (const [re, fn, needs] of STEPS) {
    if (!mayMatch(s, needs)) continue;
    const src = s;
    s = s.replace(re, (...args: unknown[]) => {
      // replace() passes the match, the groups, the offset and the whole string (named groups object when present).
      const m = args[0] as string;
      let i = args.length - 1;
      if (typeof args[i] === 'object') i--;
      const offset = args[i - 1] as number;
      const groups = args.slice(1, i - 1) as string[];
      return fn(m, src.slice(Math.max(0, offset - 32), offset), entities, ...groups);
    });
  }
  return { template: tokensOf(s).join(' '), entities };
}

/** Whitespace tokens; a token still holding a digit (`S01E02`, `v4.0.1`, `1080p`) is a value: `<*>`. */
export function tokensOf(masked: string): string[] {
  const out: string[] = [];
  for (const t of masked.split(/\s+/)) {
    if (t === '') continue;
    out.push(/\d/.test(t) && !/^<\w+>$/.test(t) ? '<*>' : t);
  }
  return out;
}
