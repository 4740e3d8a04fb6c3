/** A rule as the engine runs it: compiled patterns behind literal gates (rule-engine.ts builds them). */
import type { Severity } from '../core/types.ts';
import type { LiteralGate } from './literal-gate.ts';
import type { RuleStrength } from './rules/types.ts';

export type Field = 'message' | 'logger' | 'exceptionType' | 'exceptionMessage' | 'text';

export interface CompiledRule {
  readonly id: string;
  readonly apps: ReadonlySet<string> | null;
  readonly minRank: number;
  readonly matchers: readonly Matcher[];
  readonly category: string;
  readonly severity: Severity;
  readonly title: string;
  readonly group: 'message' | 'rule';
  readonly hint?: string;
  readonly user: boolean;
  readonly strength: RuleStrength;
}

export interface Matcher {
  readonly field: Field;
  readonly re: RegExp;
  /** Literals a matching text must contain (null: the regex alone decides). */
  readonly gate: LiteralGate | null;
}
