/**
 * The shape of a detection rule. Built-in rules are data in this folder, one file per category; user rules from the
 * configuration (`detect.rules`, src/config/detect.ts) have the same fields with patterns written as strings.
 * Patterns look at the PARSED record (message, logger, exception), never at the raw line, so a DEBUG line that quotes
 * an error, or a stack frame that names one, cannot trigger a rule by accident.
 */
import type { Level, Severity } from '../../core/types.ts';

export type Pattern = RegExp | string;

export interface RuleDefinition {
  /** `<category>.<what>`, lowercase: stable, shown on issues, used by overrides. */
  id: string;
  /** Apps the rule applies to; all apps when unset. */
  apps?: readonly string[];
  /** Lowest record level looked at (default `warn`; built-in rules never look lower: DEBUG/INFO make no issue). */
  minLevel?: Level;
  message?: Pattern;
  logger?: Pattern;
  exceptionType?: Pattern;
  exceptionMessage?: Pattern;
  /** Matches the message, the exception type or the exception message. */
  text?: Pattern;
  /** Flags for string patterns (default `i`); RegExp patterns keep their own. */
  flags?: string;
  category: string;
  severity: Severity;
  /**
   * `{1}`/`{name}`: captured groups, numbered in the order logger, exceptionType, exceptionMessage, message, text;
   * `{app}`: the app's display name; `{logger}`; `{exceptionType}` (short name).
   */
  title: string;
  /** `message` (default): one issue per message template; `rule`: every match of the rule is one issue per app. */
  group?: 'message' | 'rule';
  /** Why the rule exists and what to look at: shown beside the issue. */
  hint?: string;
  /**
   * `specific` (default): the rule names the problem and decides alone. `cause`, `peer` and `weak`: a generic
   * wording (a permission error, "import failed", a timeout) that the classifier weighs against the other layers'
   * evidence (categorize.ts): a cause beats the peer a line was talking to, which beats a weak transport or crash
   * word. Rules are tried in that order too (specific, cause, peer, weak), each group in the library's order.
   */
  strength?: RuleStrength;
}

export type RuleStrength = 'specific' | 'cause' | 'peer' | 'weak' | 'fallback';
