/**
 * Issue titles: a rule's title template with captured values filled in (`{1}`, `{name}`, `{app}`, `{logger}`,
 * `{exceptionType}`), the title of an uncategorized ERROR, and the apps' display names. Rendered only when an issue
 * opens (or per occurrence when alerts are keyed by rule), never for every record.
 */
import { redact } from '../core/redact.ts';
import { appLabel, type LogRecord } from '../core/types.ts';
import type { CompiledRule } from './compiled-rule.ts';
import { fieldOf } from './rule-table.ts';
import { maskMessage } from './template.ts';

/** Display name for titles (`{app}`). */
export function appDisplayName(app: string): string {
  return appLabel(app);
}

/** The title of `rule` for a record it matched. */
export function ruleTitle(rule: CompiledRule, rec: LogRecord): string {
  return renderTitle(rule.title, captures(rule, rec), rec);
}

/** Leading request/connection ids and level words say nothing about the problem: `[Req#1a] `, `[HCl#5b] `, `ERROR: `. */
const NOISE_PREFIX =
  /^(?:\s*(?:\[[^\]]*#[^\]]*\]|\[(?:ERR|ERROR|WRN|WARN|WARNING|INF|INFO|DBG|DEBUG|FTL|FATAL|CRIT|CRITICAL)\]|(?:ERROR|WARN(?:ING)?|FATAL|CRITICAL|Error|Warning)\s*[:|-]\s|-\s+)\s*)+/;
/** A message that only says "something failed": the exception's message says more. */
const GENERIC =
  /^(?:(?:an? )?(?:unhandled |unexpected |uncaught )?(?:exception|error)(?: occurred| was thrown| caught)?[.:!]*|error processing request\.?|request failed\.?|task error|failed|)$/i;
/** A stack frame (an orphan record that starts mid-trace). */
const FRAME = /^\s*at ((?:[A-Za-z_][\w`]*\.)+)[A-Za-z_<][\w`<>]*/;
const PLACEHOLDERS = /<(?:\*|\w+)>/g;

/** The template with its placeholders written as `…` (a title names the problem, not one file or one user). */
export function renderTemplate(template: string): string {
  return template
    .replace(PLACEHOLDERS, '…')
    .replace(/…(?:[\s,;:./\\-]*…)+/g, '…')
    .replace(/\s+/g, ' ')
    .trim();
}

function cleanLine(text: string): string {
  const first = (text.split('\n')[0] ?? '').trim();
  return first.replace(NOISE_PREFIX, '').trim();
}

function clipTitle(text: string): string {
  return text.length > 110 ? `${text.slice(0, 107).trimEnd()}...` : text;
}

/**
 * The title of an issue no rule named: the exception type with its cleaned message, else the cleaned template; never a
 * stack frame, a request id or a level word. An orphan frame names its component.
 */
export function recordTitle(rec: LogRecord, template: string): string {
  const app = appDisplayName(rec.app);
  const frame = FRAME.exec(rec.message);
  if (frame && !rec.exception) {
    const ns = (frame[1] as string).replace(/\.$/, '');
    return redact(`${app}: error in ${ns} (stack trace without its first line)`);
  }
  const line = cleanLine(rec.message);
  const ex = rec.exception;
  if (ex) {
    const short = ex.type.slice(ex.type.lastIndexOf('.') + 1);
    const exText = renderTemplate(maskMessage(cleanLine(ex.message)).template);
    const own = GENERIC.test(line) || line === ex.type || line === short ? '' : renderTemplate(cleanLine(template));
    const parts = [own, `${short}${exText ? `: ${exText}` : ''}`].filter(Boolean);
    return redact(clipTitle(`${app}: ${parts.join(' — ')}`));
  }
  const text = renderTemplate(cleanLine(template)) || line;
  return redact(clipTitle(`${app}: ${text || `${rec.level} without a message`}`));
}

/** Kept for callers that have no template: the record's own cleaned first line. */
export function uncategorizedTitle(rec: LogRecord): string {
  return recordTitle(rec, maskMessage(rec.message).template);
}

type Captures = { numbered: string[]; named: Record<string, string> };

function captures(rule: CompiledRule, rec: LogRecord): Captures {
  const caps: Captures = { numbered: [], named: {} };
  for (const { field, re } of rule.matchers) {
    let m: RegExpExecArray | null = null;
    if (field === 'text') {
      m = re.exec(rec.message);
      if (!m && rec.exception) m = re.exec(rec.exception.message) ?? re.exec(rec.exception.type);
    } else m = re.exec(fieldOf(rec, field));
    if (!m) continue;
    for (let i = 1; i < m.length; i++) caps.numbered.push(m[i] ?? '');
    if (m.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) caps.named[k] = v;
  }
  return caps;
}

const PLACEHOLDER = /\{([\w]+)\}/g;

function renderTitle(template: string, caps: Captures, rec: LogRecord): string {
  if (!template.includes('{')) return template;
  return template
    .replace(PLACEHOLDER, (_, key: string) => {
      if (/^\d+$/.test(key)) return value(caps.numbered[Number(key) - 1] || '?');
      if (key in caps.named) return value(caps.named[key] as string);
      if (key === 'app') return appDisplayName(rec.app);
      if (key === 'logger') return rec.logger ?? '?';
      if (key === 'exceptionType') return rec.exception ? (rec.exception.type.split('.').pop() ?? '?') : '';
      return `{${key}}`;
    })
    .replace(/\s*\(\s*\)/g, '')
    .trim();
}

/** A captured number (an exit code, a duration) differs between the records of one issue: never quoted in its title. */
function value(s: string): string {
  return /^[-+]?\d[\d.,]*$/.test(s.trim()) ? '…' : clip(s);
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
