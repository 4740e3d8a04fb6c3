/**
 * Rule tables: the rules an app's records of one level meet, in order, with what makes matching cheap. Each rule has
 * a gate its record's message must pass before the rule is tried at all (a `message` pattern's, or for a record
 * without an exception a `text` pattern's). Tables holding many literals (the WARN and ERROR ones, where a record
 * meets most of the library) load the message's bigrams first, so most literals are ruled out by a few bit tests.
 */

import type { LogRecord } from '../core/types.ts';
import type { CompiledRule, Field } from './compiled-rule.ts';
import type { LiteralGate } from './literal-gate.ts';

export interface RuleTable {
  readonly rules: readonly CompiledRule[];
  /** Per rule, a `message` pattern's gate, or null. */
  readonly messageGates: ReadonlyArray<LiteralGate | null>;
  /** Per rule, a `text` pattern's gate (it binds the message when the record has no exception), or null. */
  readonly textGates: ReadonlyArray<LiteralGate | null>;
  /** Enough literals that loading the message's bigrams pays for itself. */
  readonly heavy: boolean;
  /**
   * Indexes (ascending) of the rules whose decision may differ between two messages of one digit shape (same app,
   * level and logger, no exception); every other rule decides alike for the whole shape.
   */
  readonly shapeSensitive: readonly number[];
}

/** Literals a record would meet (at most) before the bigram filter is worth its setup. */
const HEAVY_LITERALS = 12;

/** The tables of `app`, indexed by level rank (`ranks`: every rank, ascending). */
export function buildTables(all: readonly CompiledRule[], app: string, ranks: readonly number[]): RuleTable[] {
  const forApp = all.filter((r) => r.apps === null || r.apps.has(app));
  return ranks.map((rank) => {
    const rules = forApp.filter((r) => rank >= r.minRank);
    let literals = 0;
    for (const r of rules)
      for (const m of r.matchers) if (m.gate && m.field !== 'logger') literals += m.gate.any.length;
    return {
      rules,
      messageGates: rules.map((r) => r.matchers.find((m) => m.field === 'message' && m.gate)?.gate ?? null),
      textGates: rules.map((r) => r.matchers.find((m) => m.field === 'text' && m.gate)?.gate ?? null),
      heavy: literals >= HEAVY_LITERALS,
      shapeSensitive: rules.flatMap((r, i) => (shapeBlind(r) ? [] : [i])),
    };
  });
}

/** A quantifier's counts (`{2}`, `{1,3}`) are not characters; an escaped brace (`\{12}`) keeps them (safe side). */
const QUANTIFIER = /(?<!\\)\{\d+(?:,\d*)?\}/g;

/**
 * True when the rule decides alike for messages of one digit shape (digits 1-9 written `1`), given the same logger
 * and no exception: it reads only the message (`message`, `text`) and the logger, and its message patterns name no
 * digit. Such a pattern cannot tell digits apart: every atom that can match a digit is then `.`, `\d`, `\w`, a
 * negated class, or a range whose ends are not digits (holding all ten or none); `\b` sees every digit as a word
 * character; case folding leaves digits alone.
 */
function shapeBlind(rule: CompiledRule): boolean {
  return rule.matchers.every(
    (m) =>
      m.field === 'logger' ||
      ((m.field === 'message' || m.field === 'text') && !/\d/.test(m.re.source.replace(QUANTIFIER, ''))),
  );
}

/** The text a pattern on `field` reads (a `text` pattern reads several: the matcher handles it). */
export function fieldOf(rec: LogRecord, field: Exclude<Field, 'text'>): string {
  switch (field) {
    case 'message':
      return rec.message;
    case 'logger':
      return rec.logger ?? '';
    case 'exceptionType':
      return rec.exception?.type ?? '';
    case 'exceptionMessage':
      return rec.exception?.message ?? '';
  }
}
