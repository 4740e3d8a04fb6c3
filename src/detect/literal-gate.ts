/**
 * Literal gates: a cheap necessary condition in front of a rule's regex. Most records a rule looks at do not match it,
 * and `String.prototype.includes` rejects them several times faster than entering the regex engine. A gate lists
 * literal substrings of which a matching text must contain at least one (one per top-level alternative); when a
 * pattern has no such literal in every alternative, it gets no gate and the regex alone decides.
 *
 * Soundness matters more than coverage: anything not understood (back-references, `\x`/`\u`/`\p` escapes, the `v`
 * flag, case-insensitive Unicode patterns) yields no gate. Case-insensitive patterns get a lowercased gate, tested
 * against the lowercased text; only ASCII literals qualify, which is sound because without the `u` flag a regex never
 * folds a non-ASCII character onto an ASCII one, and lowercasing keeps a run of ASCII characters contiguous.
 */

export interface LiteralGate {
  /** A matching text contains at least one of these. */
  readonly any: readonly string[];
  /** The literals are lowercase: test them against the lowercased text. */
  readonly lower: boolean;
  /** Per literal, the bigram hashes of its lowercased form (see `Bigrams`). */
  readonly bigrams: ReadonlyArray<Uint16Array>;
}

/** Shorter literals than this reject too little to pay for the test. */
const MIN_LITERAL = 3;
/** Escapes that stand for one literal character. */
const LITERAL_ESCAPES = new Set('^$\\.*+?()[]{}|/-=!:,<>\'"`~@#%&; _'.split(''));
/** Escapes that end a literal run without being understood as a literal (classes, assertions, control characters). */
const BREAK_ESCAPES = new Set('dDwWsSbBnrtfv'.split(''));

export function literalGate(re: RegExp): LiteralGate | null {
  const flags = re.flags;
  if (flags.includes('v')) return null;
  const lower = flags.includes('i');
  if (lower && flags.includes('u')) return null;
  const alternatives = splitTopLevel(re.source);
  if (!alternatives) return null;
  const any: string[] = [];
  for (const alt of alternatives) {
    const lit = longestRequiredLiteral(alt);
    if (lit === null || lit.length < MIN_LITERAL) return null;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for "ASCII only", control characters included
    if (lower && !/^[\x00-\x7f]*$/.test(lit)) return null;
    any.push(lower ? lit.toLowerCase() : lit);
  }
  return { any, lower, bigrams: any.map(bigramsOf) };
}

/**
 * Bigrams of a lowercased text, as a 4096-bit set: a record's message is loaded once, then each literal is ruled out
 * by a few bit tests before `includes` runs. Pays off where a record meets many gates (WARN/ERROR records are tried
 * against most of the library); a literal whose bigrams are not all there cannot occur. Sound for case-sensitive
 * literals too: they are ASCII, so the message containing one means its lowercased form contains the lowercased one.
 */
export class Bigrams {
  private readonly bits = new Uint32Array(BIGRAM_BITS >>> 5);
  private loaded: string | null = null;

  /** Loads the bigrams of `lowered` (a no-op when it is the text already loaded). */
  load(lowered: string): void {
    if (lowered === this.loaded) return;
    this.loaded = lowered;
    const bits = this.bits;
    bits.fill(0);
    let prev = lowered.charCodeAt(0);
    for (let i = 1; i < lowered.length; i++) {
      const c = lowered.charCodeAt(i);
      const h = bigramHash(prev, c);
      bits[h >>> 5] = (bits[h >>> 5] as number) | (1 << (h & 31));
      prev = c;
    }
  }

  /** False when the loaded text cannot contain a literal with these bigram hashes. */
  mayContain(hashes: Uint16Array): boolean {
    const bits = this.bits;
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i] as number;
      if (((bits[h >>> 5] as number) & (1 << (h & 31))) === 0) return false;
    }
    return true;
  }
}

const BIGRAM_BITS = 4096;

/** Collisions only cost a useless `includes`; non-ASCII characters fold onto ASCII ones the same way. */
function bigramHash(a: number, b: number): number {
  return ((a & 31) << 7) | (b & 127);
}

/** Hashes of the literal's lowercased bigrams; none (no filtering) for a literal that is not ASCII. */
function bigramsOf(literal: string): Uint16Array {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for "ASCII only", control characters included
  if (!/^[\x00-\x7f]*$/.test(literal)) return new Uint16Array(0);
  const lowered = literal.toLowerCase();
  const set = new Set<number>();
  for (let i = 1; i < lowered.length; i++) set.add(bigramHash(lowered.charCodeAt(i - 1), lowered.charCodeAt(i)));
  return Uint16Array.from(set);
}

/** Gate test with the message's bigrams loaded: `text` is the message, lowercased when the gate is. */
export function passesGateWith(gate: LiteralGate, text: string, bigrams: Bigrams): boolean {
  const any = gate.any;
  for (let i = 0; i < any.length; i++)
    if (bigrams.mayContain(gate.bigrams[i] as Uint16Array) && text.includes(any[i] as string)) return true;
  return false;
}

/** True when `text` passes the gate (already lowercased when the gate is). */
export function passesGate(gate: LiteralGate, text: string): boolean {
  const any = gate.any;
  for (let i = 0; i < any.length; i++) if (text.includes(any[i] as string)) return true;
  return false;
}

/** The pattern's top-level alternatives, or null when its brackets do not balance. */
function splitTopLevel(source: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') {
      const end = classEnd(source, i);
      if (end < 0) return null;
      i = end;
    } else if (c === '(') depth++;
    else if (c === ')') {
      if (--depth < 0) return null;
    } else if (c === '|' && depth === 0) {
      out.push(source.slice(from, i));
      from = i + 1;
    }
  }
  if (depth !== 0) return null;
  out.push(source.slice(from));
  return out;
}

/** Index of the `]` closing the class that opens at `open`, or -1. In JS a `]` right after `[` or `[^` closes it. */
function classEnd(source: string, open: number): number {
  for (let i = open + 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === ']') return i;
  }
  return -1;
}

/** Index of the `)` closing the group that opens at `open`, or -1. */
function groupEnd(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') {
      i = classEnd(source, i);
      if (i < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * The longest run of literal characters that every match of `alt` (an alternative without top-level `|`) contains,
 * or null when the alternative uses syntax this reader does not follow. Groups and classes end a run (their content
 * is not looked into); a quantifier that allows zero takes its character back out of the run.
 */
function longestRequiredLiteral(alt: string): string | null {
  let best = '';
  let run = '';
  const endRun = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < alt.length; i++) {
    const c = alt[i] as string;
    if (c === '\\') {
      const e = alt[i + 1];
      if (e === undefined) return null;
      i++;
      if (LITERAL_ESCAPES.has(e)) run += e;
      else if (BREAK_ESCAPES.has(e)) endRun();
      // \x41, \u0041, \cJ, \p{L}, \k<name>, \1 …: not followed here.
      else return null;
    } else if (c === '[') {
      const end = classEnd(alt, i);
      if (end < 0) return null;
      endRun();
      i = end;
    } else if (c === '(') {
      const end = groupEnd(alt, i);
      if (end < 0) return null;
      endRun();
      i = end;
    } else if (c === '.' || c === '^' || c === '$') endRun();
    else if (c === '?' || c === '*') {
      // The character before may be absent (or this is a lazy marker after a run already ended).
      run = run.slice(0, -1);
      endRun();
    } else if (c === '+') endRun();
    else if (c === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(alt.slice(i));
      if (!m) return null;
      // `{n}`/`{n,}` with n >= 1 keeps the character once; `{0,…}` makes it optional.
      if (m[1] === '0') run = run.slice(0, -1);
      endRun();
      i += m[0].length - 1;
    } else if (c === ')' || c === ']' || c === '}' || c === '|') return null;
    else run += c;
  }
  endRun();
  return best;
}
