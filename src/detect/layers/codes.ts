/**
 * The code layer: numbers and symbols that carry meaning whatever the wording around them — errno names and numbers,
 * HTTP status codes (where the text says it is one), SQLite result codes, signals and the exit codes that stand for
 * them, curl error numbers, Windows HRESULTs. A code is only read where the text marks it as one (`HTTP 401`,
 * `status code 503`, `[Errno 13]`, `SQLite Error 5`, `signal 11`): a bare number is never a code.
 */
import type { Candidate, Strength } from './types.ts';

interface CodeEntry {
  category: string;
  strength: Strength;
}

const ERRNO: Readonly<Record<string, CodeEntry>> = {
  EACCES: { category: 'disk', strength: 'cause' },
  EPERM: { category: 'disk', strength: 'cause' },
  ENOENT: { category: 'disk', strength: 'cause' },
  ENOSPC: { category: 'disk', strength: 'cause' },
  EDQUOT: { category: 'disk', strength: 'cause' },
  EROFS: { category: 'disk', strength: 'cause' },
  EIO: { category: 'disk', strength: 'cause' },
  ENOTDIR: { category: 'disk', strength: 'cause' },
  EISDIR: { category: 'disk', strength: 'cause' },
  EEXIST: { category: 'disk', strength: 'cause' },
  EXDEV: { category: 'disk', strength: 'cause' },
  ESTALE: { category: 'disk', strength: 'cause' },
  EMFILE: { category: 'crash', strength: 'weak' },
  ENOMEM: { category: 'crash', strength: 'cause' },
  ECONNREFUSED: { category: 'network', strength: 'weak' },
  ECONNRESET: { category: 'network', strength: 'weak' },
  ECONNABORTED: { category: 'network', strength: 'weak' },
  ETIMEDOUT: { category: 'network', strength: 'weak' },
  ESOCKETTIMEDOUT: { category: 'network', strength: 'weak' },
  EHOSTUNREACH: { category: 'network', strength: 'weak' },
  ENETUNREACH: { category: 'network', strength: 'weak' },
  ENETDOWN: { category: 'network', strength: 'weak' },
  ENOTFOUND: { category: 'network', strength: 'weak' },
  EAI_AGAIN: { category: 'network', strength: 'weak' },
  EPIPE: { category: 'network', strength: 'weak' },
  EPROTO: { category: 'network', strength: 'weak' },
  CERT_HAS_EXPIRED: { category: 'network', strength: 'weak' },
  DEPTH_ZERO_SELF_SIGNED_CERT: { category: 'network', strength: 'weak' },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { category: 'network', strength: 'weak' },
};

/** Linux errno numbers as Python prints them (`[Errno 13] Permission denied`). */
const ERRNO_NUMBERS: Readonly<Record<string, string>> = {
  '1': 'EPERM',
  '2': 'ENOENT',
  '5': 'EIO',
  '12': 'ENOMEM',
  '13': 'EACCES',
  '17': 'EEXIST',
  '18': 'EXDEV',
  '20': 'ENOTDIR',
  '21': 'EISDIR',
  '24': 'EMFILE',
  '28': 'ENOSPC',
  '30': 'EROFS',
  '32': 'EPIPE',
  '101': 'ENETUNREACH',
  '103': 'ECONNABORTED',
  '104': 'ECONNRESET',
  '110': 'ETIMEDOUT',
  '111': 'ECONNREFUSED',
  '113': 'EHOSTUNREACH',
  '-2': 'ENOTFOUND',
  '-3': 'EAI_AGAIN',
  '-5': 'ENOTFOUND',
};

/** SQLite primary result codes (`SQLite Error 5`, `SQLITE3:…, 11,`, `SQLITE_BUSY`). */
const SQLITE: Readonly<Record<string, CodeEntry>> = {
  '5': { category: 'database', strength: 'cause' }, // BUSY
  '6': { category: 'database', strength: 'cause' }, // LOCKED
  '8': { category: 'database', strength: 'cause' }, // READONLY
  '10': { category: 'database', strength: 'cause' }, // IOERR
  '11': { category: 'database', strength: 'cause' }, // CORRUPT
  '13': { category: 'database', strength: 'cause' }, // FULL
  '14': { category: 'database', strength: 'cause' }, // CANTOPEN
  '19': { category: 'database', strength: 'cause' }, // CONSTRAINT
  '26': { category: 'database', strength: 'cause' }, // NOTADB
};

/** Signals: a process died. Exit codes 128+n and negative codes (Plex prints `-9`) stand for signal n. */
const SIGNALS: Readonly<Record<string, string>> = {
  '4': 'SIGILL',
  '6': 'SIGABRT',
  '7': 'SIGBUS',
  '8': 'SIGFPE',
  '9': 'SIGKILL',
  '11': 'SIGSEGV',
};

/** curl error numbers Plex prints (`(28, Timeout was reached)`): all transport. */
const CURL_TRANSPORT = new Set(['5', '6', '7', '18', '28', '35', '51', '52', '55', '56', '60']);

const ERRNO_NAME =
  /\b(E(?:ACCES|PERM|NOENT|NOSPC|DQUOT|ROFS|IO|NOTDIR|ISDIR|EXIST|XDEV|STALE|MFILE|NOMEM|CONNREFUSED|CONNRESET|CONNABORTED|TIMEDOUT|SOCKETTIMEDOUT|HOSTUNREACH|NETUNREACH|NETDOWN|NOTFOUND|AI_AGAIN|PIPE|PROTO)|CERT_HAS_EXPIRED|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b/;
const ERRNO_NUMBER = /\[Errno (-?\d+)\]|\berrno[ =:]+(-?\d+)|\bSocketException \((\d+)\)/i;
const HTTP_STATUS =
  /\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?: code)?|StatusCode|response(?: code)?|Error|code)[ :=]+\(?([1-5]\d\d)\b|\[([45]\d\d):[A-Za-z]|\b([45]\d\d)[ .:-]+(?:Unauthorized|Forbidden|Not Found|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out|TooManyRequests|ServiceUnavailable|BadGateway|GatewayTimeout|InternalServerError)\b|\bRes: \[\w+\] [^:\n]*: ([45]\d\d)\./i;
const SQLITE_CODE =
  /\bSQLite Error (\d+)\b|\bSQLITE3:[^,]*, (\d+),|\bSQLITE_(BUSY|LOCKED|READONLY|IOERR|CORRUPT|FULL|CANTOPEN|CONSTRAINT|NOTADB)\b|\bcode = \w+ \((\d+)\)/;
const SIGNAL =
  /\b(SIG(?:SEGV|ABRT|BUS|ILL|FPE|KILL))\b|\bsignal:? (\d{1,2})\b|\b(?:exit(?:ed with)? code|exit status|return code)(?: for process \d+ is)?:? (-\d+|13[4-9])\b/i;
const CURL = /\((\d{1,2}), [A-Z][\w' ]+\)|\bcurl(?:_easy_perform\(handle\))?:? (?:error )?\(?(\d{1,2})\)?/;

const SQLITE_NAMES: Readonly<Record<string, string>> = {
  BUSY: '5',
  LOCKED: '6',
  READONLY: '8',
  IOERR: '10',
  CORRUPT: '11',
  FULL: '13',
  CANTOPEN: '14',
  CONSTRAINT: '19',
  NOTADB: '26',
};

/** Every code candidate in `text`, best first is the caller's business; `numeric` says a number decided. */
export function codeCandidates(text: string, out: Candidate[]): boolean {
  let numeric = false;
  let m = SQLITE_CODE.exec(text);
  if (m) {
    const code = m[1] ?? m[2] ?? (m[3] ? SQLITE_NAMES[m[3]] : undefined) ?? m[4];
    const e = code !== undefined ? SQLITE[code] : undefined;
    if (e) out.push({ ...e, layer: 'code', detail: `SQLite result code ${code}` });
    numeric = true;
  }
  m = HTTP_STATUS.exec(text);
  if (m) {
    const status = Number(m[1] ?? m[2] ?? m[3] ?? m[4]);
    numeric = true;
    if (status === 401 || status === 403 || status === 407)
      out.push({ category: 'auth', strength: 'cause', layer: 'code', detail: `HTTP ${status}` });
    else if (status === 429 || status >= 500)
      out.push({ category: 'network', strength: 'weak', layer: 'code', detail: `HTTP ${status}` });
  }
  m = ERRNO_NAME.exec(text);
  let errno = m?.[1];
  if (!errno) {
    m = ERRNO_NUMBER.exec(text);
    const n = m?.[1] ?? m?.[2] ?? m?.[3];
    if (n !== undefined) {
      numeric = true;
      errno = ERRNO_NUMBERS[n];
    }
  }
  if (errno) {
    const e = ERRNO[errno];
    if (e) out.push({ ...e, layer: 'code', detail: `errno ${errno}` });
  }
  m = SIGNAL.exec(text);
  if (m) {
    let sig = m[1];
    if (!sig && m[2] !== undefined) sig = SIGNALS[m[2]];
    if (!sig && m[3] !== undefined) {
      const n = Number(m[3]);
      sig = SIGNALS[String(n < 0 ? -n : n - 128)];
    }
    if (m[2] !== undefined || m[3] !== undefined) numeric = true;
    if (sig) out.push({ category: 'crash', strength: 'weak', layer: 'code', detail: `signal ${sig}` });
  }
  m = CURL.exec(text);
  if (m) {
    const n = m[1] ?? m[2];
    numeric = true;
    if (n !== undefined && CURL_TRANSPORT.has(n))
      out.push({ category: 'network', strength: 'weak', layer: 'code', detail: `curl error ${n}` });
  }
  return numeric;
}

/**
 * The code patterns that tell digits apart (an HTTP status starts 1-5, a signal's exit code is 134-139), with any digit
 * allowed instead: a message of the same digit shape as `text` may have a code read from it where `text` had none.
 */
const ANY_STATUS = new RegExp(HTTP_STATUS.source.replaceAll('[1-5]', '\\d').replaceAll('[45]', '\\d'), 'i');
const ANY_SIGNAL = new RegExp(SIGNAL.source.replace('13[4-9]', '\\d{3}'), 'i');

/** Another message of the same digit shape as `text` (shape.ts) may read codes differently. */
export function codesMayDiffer(text: string): boolean {
  return ANY_STATUS.test(text) || ANY_SIGNAL.test(text);
}

/**
 * What the code layer says about `text`, as one string (each candidate's category, strength and detail): two texts
 * with the same key get the same code candidates. '' when no code was read from a number.
 */
export function codeKey(text: string): string {
  const out: Candidate[] = [];
  if (!codeCandidates(text, out)) return '';
  return keyOf(out);
}

/** The key of code candidates (see `codeKey`). */
export function keyOf(cands: readonly Candidate[]): string {
  let key = '#';
  for (const c of cands) key += `${c.category}\u0001${c.strength}\u0001${c.detail}\u0002`;
  return key;
}
