/**
 * Classification of one record: the rule it matches (rule-engine.ts), its category with the evidence
 * (categorize.ts), its template and affected entities (template.ts) and the cluster — the issue — it belongs to
 * (clusters.ts). For WARN/ERROR records this is the costly part of detection, and it comes out the same for every
 * record of one digit shape (digits written `1`, see shape.ts) with the same app, level and logger and no exception: so
 * decisions are remembered per shape (digits and whole-token hex ids folded, see `shapeOf`) — with the exception's
 * type, message shape and stack head when there is one — found by a hash and confirmed by comparing the shapes. A shape's entities sit at the same places in each of its messages
 * (same length, same non-digit characters), so they are read from remembered spans without masking again.
 *
 * Reusing a decision is sound when nothing in it can tell messages of one shape apart: rules whose patterns name no
 * digit decide alike for them (rule-table.ts), the few that do are tried again; a category read from a number (an
 * HTTP status, an errno) is reused only for messages whose codes say the same (`codeKey`, read again per record: a
 * few anchored regexes instead of the whole classification); and the template must not have kept a digit.
 */
import { type CategoryEvidence, type EntityKind, LEVEL_RANK, type LogRecord } from '../core/types.ts';
import { isBenign } from './benign.ts';
import { categorize, type Decision } from './categorize.ts';
import { type Cluster, TemplateClusters } from './clusters.ts';
import { normalizeLogger } from './fingerprint.ts';
import { codeKey } from './layers/codes.ts';
import { RecentCache } from './recent-cache.ts';
import type { CompiledRule, RuleEngine } from './rule-engine.ts';
import { codesToString, foldedCopy, foldedHash, foldInto, hashBuf, sameBuf, shapeHash, shapeOf } from './shape.ts';
import { type EntitySpan, entitySpans, maskMessage } from './template.ts';

export interface Classification {
  /** The rule that decided the category, or undefined. */
  readonly rule: CompiledRule | undefined;
  /** The issue's fingerprint; undefined when the record makes no issue. */
  readonly fp: string | undefined;
  readonly category: string;
  readonly evidence: CategoryEvidence;
  /** The cluster's template (it may widen as more messages join). */
  readonly template: string;
  /** The record's affected entities (kind, value). */
  readonly entities: ReadonlyArray<readonly [EntityKind, string]>;
  /** A rule matched, or the record is an ERROR: it counts towards alerts (a WARN no rule names never alerts alone). */
  readonly alerting: boolean;
}

export interface ClassifierOptions {
  /** WARN records no rule names, that a layer categorises, make (low, non-alerting) issues. */
  unmatchedWarnings: boolean;
  /** WARN records nothing categorises make issues too. */
  uncategorizedWarnings: boolean;
  /** Remember decisions per digit shape (default true; false classifies every record from scratch: the reference). */
  remember?: boolean;
}

interface Template {
  /** The shape of the messages it stands for (`shapeOf`), as character codes. */
  readonly codes: Uint16Array;
  /** The exception's type, message shape and stack head ('' without one). */
  readonly exKey: string;
  readonly app: string;
  readonly rank: number;
  readonly logger: string | undefined;
  readonly rule: CompiledRule | undefined;
  readonly category: string;
  readonly evidence: CategoryEvidence;
  /** The issue's cluster; undefined when the shape makes no issue. */
  readonly cluster: Cluster | undefined;
  readonly spans: readonly EntitySpan[];
  readonly alerting: boolean;
  /** The answer itself when the template has no entities to read (returned as is: no allocation per record). */
  readonly plain: Classification | undefined;
  /** Where in its rule table the decision fell, and which rules to try again (see `RuleEngine.toRecheck`). */
  readonly index: number;
  readonly recheck: readonly number[];
  /** A number decided (an HTTP status, an errno): what the code layer said, which a message must repeat to reuse it. */
  readonly codeKey: string | undefined;
}

const WARN_RANK = LEVEL_RANK.warn;
const ERROR_RANK = LEVEL_RANK.error;
const NONE: CategoryEvidence = Object.freeze({ layer: 'none', detail: '' }) as CategoryEvidence;
const NO_ISSUE: Classification = Object.freeze({
  rule: undefined,
  fp: undefined,
  category: 'uncategorized',
  evidence: NONE,
  template: '',
  entities: [],
  alerting: false,
});
/** Shape hashes remembered, each with the few templates seen under it. */
const HASHES_MAX = 4096;
const PER_HASH_MAX = 4;
const NO_ENTITIES: ReadonlyArray<readonly [EntityKind, string]> = Object.freeze([]);

export class Classifier {
  private readonly rules: RuleEngine;
  private readonly opts: ClassifierOptions;
  readonly clusters = new TemplateClusters();
  private readonly templates = new RecentCache<Template[], number>(HASHES_MAX);
  /** No type has a NUL: the first exception always computes its key. */
  private lastException = { type: '\u0000', msg: '', head: '', key: '' };

  constructor(rules: RuleEngine, opts: ClassifierOptions) {
    this.rules = rules;
    this.opts = opts;
  }

  /** The rule, category, template and fingerprint of `rec` (level rank `rank`). */
  classify(rec: LogRecord, rank: number): Classification {
    if (rank < WARN_RANK) {
      // Only user rules look below WARN (the built-in library never makes issues of DEBUG/INFO records).
      if (this.rules.find(rec, rank) === undefined) return NO_ISSUE;
      return this.fresh(rec, rank, false).c;
    }
    if (this.opts.remember === false) return this.fresh(rec, rank, false).c;
    const message = rec.message;
    // An exception decides too: its type, its message's shape and the head of its stack (where it was thrown). Folded
    // first: the message's shape below must be the last thing in the shared buffer.
    const ex = rec.exception;
    const exKey = ex === undefined ? '' : this.exceptionKey(ex.type, ex.message, ex.stack);
    // Hot path: the shape is folded into a reused buffer, hashed and compared there (no string per record).
    const len = foldInto(message);
    const hash =
      exKey === '' ? foldedHash() : Math.imul(hashBuf(Math.min(len, 2000)) ^ shapeHash(exKey), 0x01000193) >>> 0;
    const known = this.templates.get(hash);
    if (known) {
      for (const t of known) {
        if (
          t.app !== rec.app ||
          t.rank !== rank ||
          t.logger !== rec.logger ||
          t.exKey !== exKey ||
          !sameBuf(len, t.codes) ||
          (t.codeKey !== undefined && codeKey(message) !== t.codeKey)
        )
          continue;
        if (this.rules.decidesAlike(rec, rank, t.index, t.recheck)) return fromTemplate(t, message);
      }
    }
    const codes = foldedCopy(len);
    const { c, cacheable, spans, cluster, codes: key } = this.fresh(rec, rank, true);
    // No issue is a decision too (a harmless WARN repeated all day): remembered like the others.
    if (!cacheable) return c;
    const index = this.rules.lastIndex;
    const shape = codesToString(codes);
    const t: Template = {
      codes,
      exKey,
      app: rec.app,
      rank,
      logger: rec.logger,
      rule: c.rule,
      category: c.category,
      evidence: c.evidence,
      cluster,
      spans,
      alerting: c.alerting,
      plain: c.entities.length === 0 ? { ...c, entities: NO_ENTITIES } : undefined,
      index,
      recheck: this.rules.toRecheck(rec, rank, index, shape.toLowerCase()),
      codeKey: key,
    };
    if (!known) this.templates.set(hash, [t]);
    else {
      if (known.length >= PER_HASH_MAX) known.shift();
      known.push(t);
    }
    return c;
  }

  /** The exception's type, message shape and stack head; the last one is remembered (exceptions come in runs). */
  private exceptionKey(type: string, message: string, stack: string | undefined): string {
    const msg = message.length > 400 ? message.slice(0, 400) : message;
    const head = stack ? stack.slice(0, 600) : '';
    const last = this.lastException;
    if (last.type === type && last.msg === msg && last.head === head) return last.key;
    const key = `${type}\u0001${shapeOf(msg)}\u0001${head ? shapeOf(head) : ''}`;
    this.lastException = { type, msg, head, key };
    return key;
  }

  private fresh(
    rec: LogRecord,
    rank: number,
    wantSpans: boolean,
  ): {
    c: Classification;
    cacheable: boolean;
    spans: EntitySpan[];
    cluster: Template['cluster'] | undefined;
    codes: string | undefined;
  } {
    const found = this.rules.find(rec, rank);
    const masked = maskMessage(rec.message);
    const d = categorize(rec, found);
    const rule = d.rule;
    // A WARN that no rule names makes an issue (low, never alerting alone) when a layer tells what it is about, unless
    // switched off; one nothing explains is only stored and counted (apps warn about much that is harmless), unless
    // `uncategorizedWarnings`. Known harmless wordings never make one.
    if (rank < ERROR_RANK && !found) {
      const keep =
        d.category === 'uncategorized'
          ? this.opts.uncategorizedWarnings
          : this.opts.unmatchedWarnings && !isBenign(rec);
      if (!keep) return { c: NO_ISSUE, cacheable: remembers(d), spans: [], cluster: undefined, codes: d.codeKey };
    }
    const band = rank >= ERROR_RANK ? 'E' : rank === WARN_RANK ? 'W' : 'I';
    const key = [
      rec.app,
      rule?.group === 'rule' ? `rule:${rule.id}` : (rule?.id ?? ''),
      d.category,
      normalizeLogger(rec.logger),
      rec.exception?.type ?? '',
      band,
    ].join('\u0000');
    // A rule that groups every match into one issue has one template: its own id.
    const cluster = this.clusters.assign(key, rule?.group === 'rule' ? '' : masked.template);
    const spans = wantSpans ? entitySpans(rec.message, masked.entities) : [];
    return {
      c: {
        rule,
        fp: cluster.fp,
        category: d.category,
        evidence: d.evidence,
        template: cluster.text || masked.template,
        entities: masked.entities,
        alerting: rank >= ERROR_RANK || found !== undefined,
      },
      // A digit survived masking, or numbers decided in a way no code key captures: the next message of this shape may
      // differ.
      cacheable: remembers(d) && !/\d/.test(masked.template),
      spans,
      cluster,
      codes: d.codeKey,
    };
  }
}

/** A decision numbers made is remembered only with what the code layer said (the message alone was read). */
function remembers(d: Decision): boolean {
  return !d.numeric || d.codeKey !== undefined;
}

function fromTemplate(t: Template, message: string): Classification {
  if (!t.cluster) return NO_ISSUE;
  if (t.plain && t.plain.template === t.cluster.text) return t.plain;
  let entities = NO_ENTITIES;
  if (t.spans.length) {
    const out: Array<readonly [EntityKind, string]> = [];
    for (const [kind, a, b] of t.spans) out.push([kind, message.slice(a, b)]);
    entities = out;
  }
  const cluster = t.cluster;
  return {
    rule: t.rule,
    fp: cluster.fp,
    category: t.category,
    evidence: t.evidence,
    template: cluster.text,
    entities,
    alerting: t.alerting,
  };
}
