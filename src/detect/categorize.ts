/**
 * The layered classifier: which category a record belongs to, and why. The layers run once, in order — rules,
 * exception (type, inner exceptions, namespaces of the app's own frames), logger/component, codes (errno, HTTP,
 * SQLite, signals, curl), keywords, level — each adding what it sees as a candidate with a strength (layers/types.ts).
 * A specific rule decides alone; otherwise the strongest candidate wins, the earliest layer among equals. The answer
 * carries its evidence, so a person can see why and write a rule where the answer is wrong.
 */
import type { CategoryEvidence, LogRecord } from '../core/types.ts';
import { codeCandidates, codesMayDiffer, keyOf } from './layers/codes.ts';
import { COMPONENTS, REQUEST_PATHS } from './layers/components.ts';
import { EXCEPTION_TYPES, INFRASTRUCTURE, NAMESPACES } from './layers/exceptions.ts';
import { KEYWORDS } from './layers/keywords.ts';
import { type Candidate, firstMatch, STRENGTH_RANK } from './layers/types.ts';
import type { CompiledRule } from './rule-engine.ts';
import { wordsOf } from './template.ts';

export interface Decision {
  category: string;
  evidence: CategoryEvidence;
  /** The rule that decided (a specific rule, or a generic one no stronger evidence beat). */
  rule: CompiledRule | undefined;
  /** A code read from a number decided or could have: the decision may differ for another number of the same shape. */
  numeric: boolean;
  /**
   * When numbers decided and the codes were read from the message alone: what the code layer said (`codeKey`). Another
   * message of the same digit shape whose `codeKey` is this one gets the same decision (the other layers ignore digits).
   */
  codeKey?: string;
}

/** Inner exception types: ` ---> System.Net.WebException: …` (.NET), `Caused by: x.y.Z` (JVM-style wrappers). */
const INNER =
  /(?:--->|Caused by:|InnerException:?)\s*((?:[A-Za-z_][\w`]*\.)*[A-Za-z_][\w`]*(?:Exception|Error))\b(?::\s*([^\n]*))?/g;
/** A stack frame's namespace: `at NzbDrone.Core.Download.Clients.QBittorrent.QBittorrentProxy.GetTorrents(…)`. */
const FRAME = /^\s*at ((?:[A-Za-z_][\w`]*\.){2,}[A-Za-z_][\w`<>]*)/gm;
/** Python frames: `File "/app/bazarr/subliminal_patch/providers/opensubtitles.py", line 12`. */
const PY_FRAME = /^\s*File "([^"]+)", line \d+/gm;
/** Plex and others put components at the start of the message: `[Transcode] [FFMPEG] - `, `MDE: `, `Scanner: `. */
const LEADING_COMPONENT =
  /^(?:\[(?:Req#\w+|[\w/#.-]*#\w+)\]\s*)*(?:\[([A-Za-z][\w /.-]{1,40})\]|([A-Z][A-Za-z]{1,30}(?: [A-Z][A-Za-z]+)?):\s)/;
/** A bracketed id group: `[Req#1a2/Transcode/ae8b…/a10d…]` names the component between its ids. */
const ID_GROUP = /^\[([^\]/\n]*#[^\]/\n]*(?:\/[^\]\n]*)?)\]/;
/** The path of the request an error is about: `URL "POST" "/Sessions/Playing"`, `GET /videos/…/main.m3u8`. */
const REQUEST_PATH = /\b(?:URL\s+)?"?(?:GET|POST|PUT|DELETE|HEAD|PATCH)"?\s+"?(\/[^\s"?]+)/;

const MAX_FRAMES = 40;

/** Python's last traceback line: `requests.exceptions.HTTPError: 403 Client Error`, `socket.timeout: timed out`. */
const PY_EXCEPTION = /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Failure|timeout|Timeout))(?::\s?(.*))?$/;
const TRACEBACK = /^\s*Traceback \(most recent call last\):?/m;
/** Lines of a record's body that carry no meaning of their own: stack frames, separators, blank lines. */
const NOISE_LINE = /^\s*(?:$|at |File "|---|<0x|in <filename|\^+$|\*\*\*|\[v?\d+(?:\.\d+)+\]\s*$)/;
/** A .NET-style type named anywhere in a body line (`message = System.Data.SQLite.SQLiteException (0x…): …`). */
const BODY_TYPE = /\b((?:[A-Za-z_][\w`]*\.)+[A-Za-z_][\w`]*(?:Exception|Error))\b/;
const BODY_LINES = 12;
const BODY_CHARS = 1500;

/**
 * Keywords are looked for with names hidden (template.ts `wordsOf`), so a word inside a path, a URL or a file name
 * (`/data/Metadata/…`, `Transmission.mkv`) says nothing; codes are read from the raw text. Besides the message and
 * the parsed exception, the record's body counts: an exception the parser did not recognise, a Python traceback's
 * last line, an HTML error page.
 */
export function categorize(rec: LogRecord, rule: CompiledRule | undefined): Decision {
  if (rule && rule.strength === 'specific') {
    return { category: rule.category, evidence: { layer: 'rule', detail: `rule ${rule.id}` }, rule, numeric: false };
  }
  const cands: Candidate[] = [];
  if (rule)
    cands.push({
      category: rule.category,
      strength: rule.strength === 'specific' ? 'weak' : rule.strength,
      layer: 'rule',
      detail: `rule ${rule.id}`,
    });
  const app = rec.app;
  const ex = rec.exception;
  const texts = [rec.message];

  // Exception layer: the types (outer, then inner), then the namespaces that name a part of the app.
  if (ex) {
    const types = [ex.type];
    if (ex.message) texts.push(ex.message);
    const wrapped = `${ex.message}\n${ex.stack ?? ''}`;
    for (const m of wrapped.matchAll(INNER)) {
      types.push(m[1] as string);
      if (m[2]) texts.push(m[2]);
      if (types.length > 8) break;
    }
    for (const type of types) {
      const short = type.slice(type.lastIndexOf('.') + 1);
      const hit = firstMatch(EXCEPTION_TYPES, app, short);
      if (hit) cands.push({ ...pick(hit.entry), layer: 'exception', detail: `exception ${type}` });
    }
    const ns = namespaceHit(types, ex.stack ?? '', app);
    if (ns) cands.push(ns);
  } else if (rec.raw.length > rec.message.length) {
    // No exception parsed: the body may still name one (a traceback's last line, a wrapped .NET dump).
    const body = bodyOf(rec);
    const types: string[] = [];
    const py = TRACEBACK.test(rec.raw) ? lastPythonException(rec.raw) : undefined;
    if (py) {
      types.push(py.type);
      if (py.message) texts.push(py.message);
    }
    for (const line of body) {
      texts.push(line);
      const t = BODY_TYPE.exec(line);
      if (t && types.length < 4) types.push(t[1] as string);
    }
    for (const type of types) {
      const short = type.slice(type.lastIndexOf('.') + 1);
      const hit = firstMatch(EXCEPTION_TYPES, app, short);
      if (hit) cands.push({ ...pick(hit.entry), layer: 'exception', detail: `exception ${type}` });
    }
    const ns = namespaceHit(types, rec.raw, app);
    if (ns) cands.push(ns);
    if (rec.orphan && (py || /^\s*at [\w.]+\(/m.test(rec.raw)))
      cands.push({ category: 'crash', strength: 'fallback', layer: 'level', detail: 'unlevelled stack trace' });
  }

  // Logger/component layer: the logger, a component the message starts with, the path of a failed request.
  const component = componentOf(rec);
  if (component) {
    const hit = firstMatch(COMPONENTS, app, component);
    if (hit) cands.push({ ...pick(hit.entry), layer: 'logger', detail: `component ${component}` });
  }
  const path = REQUEST_PATH.exec(rec.message)?.[1];
  if (path) {
    const hit = firstMatch(REQUEST_PATHS, app, path);
    if (hit) cands.push({ ...pick(hit.entry), layer: 'logger', detail: `request ${path.slice(0, 80)}` });
  }

  // Code and keyword layers read the message and the exceptions' messages.
  const text = texts.length === 1 ? rec.message : texts.join('\n');
  const before = cands.length;
  // A number read (or one that another number of the same shape would have read) decides: such a decision is reused
  // only with the code layer's answer, read again per record (message alone), or not at all.
  const read = codeCandidates(text, cands);
  const numeric = read || codesMayDiffer(text);
  const codeKey = !numeric || texts.length !== 1 ? undefined : read ? keyOf(cands.slice(before)) : '';
  const wording = wordsOf(text);
  for (const entry of KEYWORDS) {
    if (entry.apps && !entry.apps.includes(app)) continue;
    const m = entry.pattern.exec(wording);
    if (m) cands.push({ ...pick(entry), layer: 'keyword', detail: `keyword "${m[0].slice(0, 40)}" (${entry.id})` });
  }
  if (rec.level === 'fatal')
    cands.push({ category: 'crash', strength: 'fallback', layer: 'level', detail: 'level fatal' });

  let best: Candidate | undefined;
  for (const c of cands) if (!best || STRENGTH_RANK[c.strength] < STRENGTH_RANK[best.strength]) best = c;
  // A file-system error met while importing a download is the import's problem to report (remote path mapping,
  // permissions of the download folder): the *arr import step failed, and that is what its user looks at.
  if (best && best.category === 'disk') {
    const importing = cands.find((c) => c.category === 'import' && c.layer !== 'keyword');
    if (importing) best = { ...importing, detail: `${importing.detail} (file system: ${best.detail})` };
  }
  if (!best)
    return {
      category: 'uncategorized',
      evidence: { layer: 'none', detail: 'no layer matched' },
      rule: undefined,
      numeric,
      ...(codeKey !== undefined ? { codeKey } : {}),
    };
  const decidedByRule = best.layer === 'rule' ? rule : undefined;
  return {
    category: best.category,
    evidence: { layer: best.layer, detail: best.detail },
    rule: decidedByRule,
    numeric,
    ...(codeKey !== undefined ? { codeKey } : {}),
  };
}

function pick(e: { category: string; strength: Candidate['strength'] }): Pick<Candidate, 'category' | 'strength'> {
  return { category: e.category, strength: e.strength };
}

/** The first type or frame namespace of the app's own code that names a part of it. */
function namespaceHit(types: readonly string[], stack: string, app: string): Candidate | undefined {
  for (const t of types) {
    if (!t.includes('.') || INFRASTRUCTURE.test(t)) continue;
    const hit = firstMatch(NAMESPACES, app, t);
    if (hit) return { ...pick(hit.entry), layer: 'exception', detail: `namespace of ${t}` };
  }
  if (stack === '') return undefined;
  let n = 0;
  for (const m of stack.matchAll(FRAME)) {
    if (++n > MAX_FRAMES) break;
    const frame = m[1] as string;
    if (INFRASTRUCTURE.test(frame)) continue;
    const hit = firstMatch(NAMESPACES, app, frame);
    if (hit) return { ...pick(hit.entry), layer: 'exception', detail: `frame ${frame.slice(0, 100)}` };
  }
  for (const m of stack.matchAll(PY_FRAME)) {
    if (++n > MAX_FRAMES) break;
    const file = m[1] as string;
    if (/site-packages\/(?:requests|urllib3|http|socket|ssl|asyncio)\b|\/lib\/python[\d.]+\//.test(file)) continue;
    const hit = firstMatch(COMPONENTS, app, file);
    if (hit) return { ...pick(hit.entry), layer: 'exception', detail: `frame ${file.slice(-100)}` };
  }
  return undefined;
}

/** The record's logger, or the component the message starts with (Plex's `[Transcode]`, `[Req#1a/Transcode/…]`, `MDE:`). */
function componentOf(rec: LogRecord): string | undefined {
  if (rec.logger && !/#/.test(rec.logger)) return rec.logger;
  const msg = rec.message;
  const g = ID_GROUP.exec(msg);
  if (g) {
    // The first segment that is a word, not an id or a hash: `Req#777/Transcode/ae8b58ac…` → Transcode.
    const word = (g[1] as string).split('/').find((p) => /^[A-Za-z][A-Za-z ]{2,30}$/.test(p));
    if (word) return word;
  }
  const m = LEADING_COMPONENT.exec(msg);
  return m ? (m[1] ?? m[2] ?? rec.logger) : rec.logger;
}

/** The body's meaningful lines (no frames, no blank lines), bounded. */
function bodyOf(rec: LogRecord): string[] {
  const out: string[] = [];
  let chars = 0;
  const lines = rec.raw.split('\n');
  for (let i = 1; i < lines.length && out.length < BODY_LINES && chars < BODY_CHARS; i++) {
    const line = lines[i] as string;
    if (NOISE_LINE.test(line)) continue;
    const t = line.trim().slice(0, 300);
    out.push(t);
    chars += t.length;
  }
  return out;
}

/** The exception a Python traceback ends with. */
function lastPythonException(raw: string): { type: string; message: string } | undefined {
  const lines = raw.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = PY_EXCEPTION.exec((lines[i] as string).trim());
    if (m) return { type: m[1] as string, message: m[2] ?? '' };
  }
  return undefined;
}
