/**
 * Compiles rules (built-in and user) and matches parsed records against them: first match wins. Hot path: rules are
 * indexed per app and level (so an INFO/DEBUG line of an app without rules at that level costs one lookup), each
 * pattern sits behind a literal gate (`includes` before the regex; busy tables rule literals out by bigrams first,
 * see rule-table.ts), and a match's title, which needs the captures, is rendered only when asked for (a new issue):
 * most matches join an existing one.
 */
import type { RuleConfig } from '../config/detect.ts';
import { LEVEL_RANK, LEVELS, type Level, type LogRecord, type Severity } from '../core/types.ts';
import type { CompiledRule, Field, Matcher } from './compiled-rule.ts';
import { Bigrams, type LiteralGate, literalGate, passesGate, passesGateWith } from './literal-gate.ts';
import { buildTables, fieldOf, type RuleTable } from './rule-table.ts';
import { BUILT_IN_RULES } from './rules/index.ts';
import type { Pattern, RuleDefinition } from './rules/types.ts';
import { ruleTitle } from './titles.ts';

export type { CompiledRule, Field, Matcher } from './compiled-rule.ts';

const FIELDS: readonly Field[] = ['logger', 'exceptionType', 'exceptionMessage', 'message', 'text'];

export interface RuleMatch {
  rule: CompiledRule;
  /** The title with captured values filled in (rendered on first read: most matches join an existing issue). */
  readonly title: string;
}

export interface RuleOverride {
  enabled?: boolean | undefined;
  severity?: Severity | undefined;
  minLevel?: Level | undefined;
}

function compilePattern(p: Pattern, flags: string): RegExp {
  return typeof p === 'string' ? new RegExp(p, flags) : p;
}

export function compileRule(def: RuleDefinition | RuleConfig, user: boolean, override?: RuleOverride): CompiledRule {
  const flags = def.flags ?? 'i';
  const matchers: Matcher[] = [];
  for (const field of FIELDS) {
    const p = def[field];
    if (p === undefined) continue;
    const re = compilePattern(p, flags);
    matchers.push({ field, re, gate: literalGate(re) });
  }
  // Captures are numbered in FIELDS order (logger, exception type, exception message, message, text).
  const rule: CompiledRule = {
    id: def.id,
    apps: def.apps ? new Set(def.apps) : null,
    minRank: LEVEL_RANK[override?.minLevel ?? def.minLevel ?? 'warn'],
    matchers,
    category: def.category,
    severity: override?.severity ?? def.severity,
    title: def.title,
    group: def.group ?? 'message',
    user,
    // User rules always decide: the user wrote them for exactly that.
    strength: user ? 'specific' : (('strength' in def ? def.strength : undefined) ?? 'specific'),
    ...('hint' in def && def.hint ? { hint: def.hint } : {}),
  };
  return rule;
}

export class RuleEngine {
  private readonly rules: readonly CompiledRule[];
  /** Per app, the rules that look at each level rank (index = rank), built on first use of the app. */
  private readonly byApp = new Map<string, readonly RuleTable[]>();
  /** Lowest level any rule looks at: records below it skip matching entirely. */
  private readonly minRank: number;
  /** The last app looked up and its table: a stream of records from one source skips the map. */
  private lastApp = '';
  private lastTable: readonly RuleTable[] | null = null;
  /** After `find`: the index of the matching rule in its table, or the table's length when none matched. */
  lastIndex = 0;
  /** The message whose lowercased form is in `lowered` (case-insensitive gates test it: lowercased once per record). */
  private loweredFrom = '';
  private lowered = '';
  private readonly bigrams = new Bigrams();
  /** The table being matched uses the bigram filter. */
  private filtered = false;

  constructor(
    userRules: readonly RuleConfig[] = [],
    overrides: Readonly<Record<string, RuleOverride>> = {},
    builtIn: readonly RuleDefinition[] = BUILT_IN_RULES,
  ) {
    const all: CompiledRule[] = [];
    for (const r of userRules) {
      if (overrides[r.id]?.enabled !== false) all.push(compileRule(r, true, overrides[r.id]));
    }
    // Built-in rules that decide alone are tried before the generic wordings (stable order within each strength).
    for (const strength of ['specific', 'cause', 'peer', 'weak', 'fallback'] as const) {
      for (const r of builtIn) {
        if ((r.strength ?? 'specific') !== strength || overrides[r.id]?.enabled === false) continue;
        all.push(compileRule(r, false, overrides[r.id]));
      }
    }
    this.rules = all;
    this.minRank = all.reduce((m, r) => Math.min(m, r.minRank), LEVEL_RANK.fatal + 1);
  }

  list(): readonly CompiledRule[] {
    return this.rules;
  }

  /** The lowest level rank any rule looks at (above fatal when there are no rules). */
  get lowestRank(): number {
    return this.minRank;
  }

  /** The first rule that matches, with its title rendered on first read. */
  match(rec: LogRecord): RuleMatch | undefined {
    const rule = this.find(rec);
    if (!rule) return undefined;
    let title: string | undefined;
    const render = () => this.title(rule, rec);
    return {
      rule,
      get title() {
        title ??= render();
        return title;
      },
    };
  }

  /** Hot path: the first rule that matches `rec`, without allocating. */
  find(rec: LogRecord, rank: number = LEVEL_RANK[rec.level]): CompiledRule | undefined {
    this.lastIndex = 0;
    if (rank < this.minRank) return undefined;
    const table = this.tableFor(rec.app)[rank];
    if (!table) return undefined;
    const { rules, messageGates, textGates } = table;
    this.filtered = table.heavy;
    // Records come in many shapes (optional fields): each property is read once here, not once per rule.
    const message = rec.message;
    const withoutException = rec.exception === undefined;
    for (let i = 0; i < rules.length; i++) {
      const gate = messageGates[i] ?? (withoutException ? textGates[i] : null) ?? null;
      if (gate !== null && (gate.lower || this.filtered ? !this.admits(gate, message) : !passesGate(gate, message)))
        continue;
      const rule = rules[i] as CompiledRule;
      if (this.matches(rule, rec)) {
        this.lastIndex = i;
        return rule;
      }
    }
    this.lastIndex = rules.length;
    return undefined;
  }

  /**
   * For a decision `find` made (at `index`) on `rec`, which rules must be tried again before reusing it for another
   * record of the same app, level, logger and digit shape, without an exception: the rules up to `index` that can tell
   * such records apart (rule-table.ts) and whose gate a message of this shape could pass. `foldedLower` is the
   * lowercased message with digits 1-9 written `1`; a gate literal (folded alike) missing from it is missing from every
   * message of the shape.
   */
  toRecheck(rec: LogRecord, rank: number, index: number, foldedLower: string): number[] {
    const table = rank < this.minRank ? undefined : this.tableFor(rec.app)[rank];
    const out: number[] = [];
    if (!table) return out;
    const withoutException = rec.exception === undefined;
    for (const i of table.shapeSensitive) {
      if (i > index) break;
      // A template of a record without an exception serves only records without one (classifier.ts): a rule that
      // needs an exception matches none of them.
      if (withoutException && needsException(table.rules[i] as CompiledRule)) continue;
      const gate = table.messageGates[i] ?? table.textGates[i] ?? null;
      if (gate === null || foldedLiterals(gate).some((lit) => lit === null || foldedLower.includes(lit))) out.push(i);
    }
    return out;
  }

  /** Whether `find` would still decide `index` for `rec`, trying only `recheck` (from `toRecheck`). */
  decidesAlike(rec: LogRecord, rank: number, index: number, recheck: readonly number[]): boolean {
    if (recheck.length === 0) return true;
    const table = this.tableFor(rec.app)[rank];
    if (!table) return true;
    this.filtered = false;
    for (let k = 0; k < recheck.length; k++) {
      const i = recheck[k] as number;
      if (this.tries(table, i, rec) !== (i === index)) return false;
    }
    return true;
  }

  /** Rule `i` of `table` matches `rec` (its message gate first). */
  private tries(table: RuleTable, i: number, rec: LogRecord): boolean {
    const gate = table.messageGates[i] ?? (rec.exception === undefined ? table.textGates[i] : null) ?? null;
    if (gate !== null && !this.admits(gate, rec.message)) return false;
    return this.matches(table.rules[i] as CompiledRule, rec);
  }

  /** The title of `rule` for a record it matched, with captured values filled in. */
  title(rule: CompiledRule, rec: LogRecord): string {
    return ruleTitle(rule, rec);
  }

  private tableFor(app: string): readonly RuleTable[] {
    if (app === this.lastApp && this.lastTable) return this.lastTable;
    let table = this.byApp.get(app);
    if (!table) {
      table = buildTables(this.rules, app, LEVEL_RANKS);
      this.byApp.set(app, table);
    }
    this.lastApp = app;
    this.lastTable = table;
    return table;
  }

  private matches(rule: CompiledRule, rec: LogRecord): boolean {
    const matchers = rule.matchers;
    for (let i = 0; i < matchers.length; i++) {
      const { field, re, gate } = matchers[i] as Matcher;
      if (field === 'text') {
        const ex = rec.exception;
        if (this.admits(gate, rec.message) && re.test(rec.message)) continue;
        if (
          ex &&
          ((admitsOther(gate, ex.message) && re.test(ex.message)) || (admitsOther(gate, ex.type) && re.test(ex.type)))
        )
          continue;
        return false;
      }
      const text = fieldOf(rec, field);
      if (field === 'message' ? !this.admits(gate, text) : !admitsOther(gate, text)) return false;
      if (!re.test(text)) return false;
    }
    return true;
  }

  /** Gate test on the record's message (lowercased at most once per record). */
  private admits(gate: LiteralGate | null, message: string): boolean {
    if (gate === null) return true;
    if (!gate.lower && !this.filtered) return passesGate(gate, message);
    if (this.loweredFrom !== message) {
      this.loweredFrom = message;
      this.lowered = message.toLowerCase();
    }
    const text = gate.lower ? this.lowered : message;
    if (!this.filtered) return passesGate(gate, text);
    this.bigrams.load(this.lowered);
    return passesGateWith(gate, text, this.bigrams);
  }
}

/** The rule reads an exception's type or message with a pattern that an absent one (read as '') fails. */
function needsException(rule: CompiledRule): boolean {
  return rule.matchers.some(
    (m) =>
      (m.field === 'exceptionType' || m.field === 'exceptionMessage') && !m.re.global && !m.re.sticky && !m.re.test(''),
  );
}

const LEVEL_RANKS: readonly number[] = LEVELS.map((l) => LEVEL_RANK[l]);

// biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for "ASCII only", control characters included
const ASCII = /^[\x00-\x7f]*$/;

const FOLDED = new WeakMap<LiteralGate, ReadonlyArray<string | null>>();

/**
 * A gate's literals lowercased with digits folded as shape.ts folds a message (`toRecheck` looks for them in a folded
 * message), computed once per gate. A literal ending in `0` has two folds (the message's next character may be the `x`
 * of `0x`, which keeps the zero). Null (always tried again) for a literal that is not ASCII, which may lowercase
 * differently inside a message than alone, or that has a hex letter beside a digit, which a message's shape may have
 * folded as an id.
 */
function foldedLiterals(gate: LiteralGate): ReadonlyArray<string | null> {
  let folded = FOLDED.get(gate);
  if (folded === undefined) {
    folded = gate.any.flatMap(foldLiteral);
    FOLDED.set(gate, folded);
  }
  return folded;
}

function foldLiteral(lit: string): Array<string | null> {
  if (!ASCII.test(lit) || /[a-f]\d|\d[a-f]/i.test(lit)) return [null];
  const low = lit.toLowerCase();
  const folded = foldDigits(low);
  return low.endsWith('0') ? [folded, `${folded.slice(0, -1)}0`] : [folded];
}

/** Digits written `1`, but the `0` of `0x` (the digit shape of shape.ts, for text that holds no hex id). */
export function foldDigits(text: string): string {
  return text.replace(/\d/g, (d, at: number) =>
    d === '0' && (text[at + 1] === 'x' || text[at + 1] === 'X') ? d : '1',
  );
}

/** Gate test on a field other than the message (loggers, exceptions: rarely tested, not worth caching). */
function admitsOther(gate: LiteralGate | null, text: string): boolean {
  if (gate === null) return true;
  return passesGate(gate, gate.lower ? text.toLowerCase() : text);
}
