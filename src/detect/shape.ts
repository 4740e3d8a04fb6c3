/**
 * Message shapes: what stays the same between the messages of one template, for remembering decisions per template
 * (classifier.ts). Digits are written `1` (a `0` only where it starts `0x`) and whole-token hex ids that hold a digit
 * (`Req#1bee`, `0x7f70a5bfe700`, a request id of any length after `#`) are written `1` throughout; a shape has the
 * message's length, so entities sit at the same places in its messages. The hot path folds into a reused buffer and
 * hashes and compares there, allocating nothing per record.
 *
 * Zeros and short `#` ids fold since issue 15: ids and addresses with a zero somewhere (`192.168.0.12`, `Req#0a1`)
 * made a new shape per line of a burst (5,128 shapes in 50,000 Plex ERROR lines, 544 now), each classified from
 * scratch. What tells such messages apart is checked where it matters: rules naming a digit are tried again
 * (rule-table.ts), numbers the code layer may read are compared per record (`codeKey`), a template keeping a digit is
 * never remembered, and `0x` keeps its zero (the mask reads `0x…` as hex).
 */

/**
 * The message's shape: digits written `1` (but the `0` of `0x`), and whole-token hex ids that hold a digit (`Req#1bee`,
 * `Req#1b`, `0x7f70a5bfe700`, `3b199c61…`) written `1` throughout, so request ids, thread ids and hashes do not make
 * every line a new shape. Same length as the message: entities sit at the same places in every message of a shape.
 */
export function shapeOf(text: string): string {
  return codesToString(BUF.subarray(0, foldInto(text)));
}

/** The reused buffer shapes are folded into (grown for longer messages). */
let BUF = new Uint16Array(1024);

/** The folded codes of the last `foldInto`, for a caller that keeps them (a copy: the buffer is reused). */
export function foldedCopy(len: number): Uint16Array {
  return BUF.slice(0, len);
}

/**
 * The codes as a string, decoded natively (spreading them into `String.fromCharCode` cost a quarter of a replay of
 * logs with exceptions). UTF-16LE is the layout of the codes; a lone surrogate would become U+FFFD, and there is none:
 * lines are decoded from UTF-8, which never yields one.
 */
export function codesToString(codes: Uint16Array): string {
  if (LITTLE_ENDIAN) return UTF16.decode(codes);
  let out = '';
  for (let i = 0; i < codes.length; i += 4096) out += String.fromCharCode(...codes.subarray(i, i + 4096));
  return out;
}

const UTF16 = new TextDecoder('utf-16le');
/** The decoder reads the codes' bytes, which are in the machine's order: little-endian on every platform we ship. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Character classes of ASCII codes (anything above is neither): digit, hex letter, word character. */
const DIGIT = 1;
const HEX_LETTER = 2;
const WORD = 4;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const digit = c >= 48 && c <= 57;
  const hexLetter = (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
  const word = digit || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  CLASS[c] = (digit ? DIGIT : 0) | (hexLetter ? HEX_LETTER : 0) | (word ? WORD : 0);
}

/** The FNV-1a hash of the last `foldInto`'s codes (computed in the same pass). */
let HASH = 0;

/** The hash of what the last `foldInto` folded (equal to `hashBuf` over its length). */
export function foldedHash(): number {
  return HASH;
}

/**
 * Folds `text` into BUF (see `shapeOf`) and hashes it in the same pass; returns its length. Runs once per WARN/ERROR
 * record: one table lookup per character, and only a hex character looks around it.
 */
export function foldInto(text: string): number {
  const n = text.length;
  if (BUF.length < n) BUF = new Uint16Array(Math.max(n, BUF.length * 2));
  const buf = BUF;
  let h = 0x811c9dc5;
  let i = 0;
  // The class of the previous character (a space before the first): a hex run starts a token after a non-word one.
  let prevClass = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? (CLASS[c] as number) : 0;
    if ((k & (DIGIT | HEX_LETTER)) === 0) {
      buf[i] = c;
      h = Math.imul(h ^ c, 0x01000193);
      prevClass = k;
      i++;
      continue;
    }
    const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
    if ((prevClass & WORD) === 0 || (prev === 120 /* x */ && i > 1 && text.charCodeAt(i - 2) === DIGIT_0)) {
      // A whole-token hex run holding a digit (an id): written `1` throughout.
      let j = i;
      let digit = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        const dk = d < 128 ? (CLASS[d] as number) : 0;
        if ((dk & (DIGIT | HEX_LETTER)) === 0) break;
        if ((dk & DIGIT) !== 0) digit = true;
      }
      // After `#` (Plex `Req#1be`, `HCl#5b`) an id of any length; elsewhere 4 characters at least (not `x1f`).
      if (digit && (j - i >= 4 || prev === 35) && (j === n || !isWordCode(text.charCodeAt(j)))) {
        for (; i < j; i++) {
          buf[i] = DIGIT_1;
          h = Math.imul(h ^ DIGIT_1, 0x01000193);
        }
        prevClass = WORD;
        continue;
      }
    }
    // A digit is written `1`, but the 0 of `0x`.
    const out = (k & DIGIT) !== 0 && (c !== DIGIT_0 || !isX(i + 1 < n ? text.charCodeAt(i + 1) : 0)) ? DIGIT_1 : c;
    buf[i] = out;
    h = Math.imul(h ^ out, 0x01000193);
    prevClass = k;
    i++;
  }
  HASH = h >>> 0;
  return n;
}

function isWordCode(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & WORD) !== 0;
}

/** FNV-1a over BUF[0, len). */
export function hashBuf(len: number): number {
  let h = 0x811c9dc5;
  const buf = BUF;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  return h >>> 0;
}

export function sameBuf(len: number, codes: Uint16Array): boolean {
  if (codes.length !== len) return false;
  const buf = BUF;
  for (let i = 0; i < len; i++) if (buf[i] !== codes[i]) return false;
  return true;
}

const DIGIT_0 = 48;
const DIGIT_1 = 49;

function isX(c: number): boolean {
  return c === 120 || c === 88;
}

/** FNV-1a over a shape (see `shapeOf`). */
export function shapeHash(shape: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < shape.length; i++) h = Math.imul(h ^ shape.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The two texts have the same shape. */
export function sameShape(a: string, b: string): boolean {
  return a.length === b.length && (a === b || shapeOf(a) === shapeOf(b));
}
