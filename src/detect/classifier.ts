/**
 * Classification: which rule a record matches (or none) and which issue it belongs to (its fingerprint). This is the
 * costly part of detection for WARN/ERROR records (the record meets most of the rule library), and it comes out the
 * same for every record of one template: messages of a template differ mostly in their numbers. So decisions are
 * remembered per template: app, level, logger and the message's digit shape (digits 1-9 written `1`), for records
 * without an exception. A template is found by a hash of the shape computed in one pass without allocating, and
 * confirmed by comparing the messages under the same folding.
 *
 * Reusing a decision is sound when nothing in it can tell messages of one shape apart: rules whose patterns name no
 * digit decide alike for them (rule-table.ts); the few that do are tried again, unless no message of the shape could
 * pass their gate; and the fingerprint must not have kept a digit 1-9 (fingerprint.ts), else nothing is remembered.
 */
import { LEVEL_RANK, type LogRecord } from '../core/types.ts';
import { fingerprintEntry, ruleFingerprint } from './fingerprint.ts';
import { RecentCache } from './recent-cache.ts';
import { type CompiledRule, foldDigits, type RuleEngine } from './rule-engine.ts';

export interface Classification {
  /** The rule that matched, or undefined (an uncategorized issue). */
  readonly rule: CompiledRule | undefined;
  /** The issue's fingerprint; undefined when the record makes no issue. */
  readonly fp: string | undefined;
}

interface Template extends Classification {
  /** A message of the template (compared under digit folding). */
  readonly message: string;
  readonly app: string;
  readonly rank: number;
  readonly logger: string | undefined;
  /** Where in its rule table the decision fell, and which rules to try again (see `RuleEngine.toRecheck`). */
  readonly index: number;
  readonly recheck: readonly number[];
}

const WARN_RANK = LEVEL_RANK.warn;
const NO_ISSUE: Classification = Object.freeze({ rule: undefined, fp: undefined });
const ERROR_RANK = LEVEL_RANK.error;
/** Shape hashes remembered, each with the few templates seen under it. */
const HASHES_MAX = 4096;
const PER_HASH_MAX = 4;
const DIGIT_1 = 49;
const DIGIT_9 = 57;

export class Classifier {
  private readonly rules: RuleEngine;
  private readonly unmatchedWarnings: boolean;
  private readonly templates = new RecentCache<Template[], number>(HASHES_MAX);
  /** Returned for what is not remembered: `classify` is synchronous and its result is read at once. */
  private readonly scratch: { rule: CompiledRule | undefined; fp: string | undefined } = {
    rule: undefined,
    fp: undefined,
  };
  /** The last `fresh` fingerprint holds for the record's whole digit shape. */
  private shaped = false;

  constructor(rules: RuleEngine, unmatchedWarnings: boolean) {
    this.rules = rules;
    this.unmatchedWarnings = unmatchedWarnings;
  }

  /** The rule and fingerprint of `rec` (level rank `rank`); valid until the next call. */
  classify(rec: LogRecord, rank: number): Classification {
    if (rank < WARN_RANK) {
      // Only a few app-specific rules look below WARN, and they rarely match: nothing to remember, and the common
      // answer (no rule, no issue) takes one call.
      const rule = this.rules.find(rec, rank);
      if (rule === undefined) return NO_ISSUE;
      return this.fresh(rec, rank);
    }
    if (rec.exception !== undefined) return this.fresh(rec, rank);
    const message = rec.message;
    const hash = shapeHash(message);
    const known = this.templates.get(hash);
    if (known) {
      for (const t of known) {
        if (t.app !== rec.app || t.rank !== rank || t.logger !== rec.logger || !sameShape(t.message, message)) continue;
        if (this.rules.decidesAlike(rec, rank, t.index, t.recheck)) return t;
      }
    }
    const c = this.fresh(rec, rank);
    if (!this.shaped) return c;
    const index = this.rules.lastIndex;
    const t: Template = {
      rule: c.rule,
      fp: c.fp,
      message,
      app: rec.app,
      rank,
      logger: rec.logger,
      index,
      recheck: this.rules.toRecheck(rec, rank, index, foldDigits(message.toLowerCase())),
    };
    if (!known) this.templates.set(hash, [t]);
    else {
      if (known.length >= PER_HASH_MAX) known.shift();
      known.push(t);
    }
    return t;
  }

  private fresh(rec: LogRecord, rank: number): Classification {
    const out = this.scratch;
    const rule = this.rules.find(rec, rank);
    out.rule = rule;
    this.shaped = true;
    if (rule?.group === 'rule') out.fp = ruleFingerprint(rec.app, rule.id);
    else if (rule || rank >= ERROR_RANK || (rank === WARN_RANK && this.unmatchedWarnings)) {
      const e = fingerprintEntry({
        app: rec.app,
        logger: rec.logger,
        exceptionType: rec.exception?.type,
        message: rec.message,
        ruleId: rule?.id,
      });
      out.fp = e.fp;
      this.shaped = e.shaped;
    } else out.fp = undefined;
    return out;
  }
}

/** FNV-1a over the message with digits 1-9 folded to `1`: one pass, no allocation. */
export function shapeHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= DIGIT_1 && c <= DIGIT_9) c = DIGIT_1;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

/** The two texts are equal once digits 1-9 are folded to `1`. */
export function sameShape(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  if (a === b) return true;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= DIGIT_1 && x <= DIGIT_9) x = DIGIT_1;
    if (y >= DIGIT_1 && y <= DIGIT_9) y = DIGIT_1;
    if (x !== y) return false;
  }
  return true;
}
