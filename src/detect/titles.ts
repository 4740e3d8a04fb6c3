/**
 * Issue titles: a rule's title template with captured values filled in (`{1}`, `{name}`, `{app}`, `{logger}`,
 * `{exceptionType}`), the title of an uncategorized ERROR, and the apps' display names. Rendered only when an issue
 * opens (or per occurrence when alerts are keyed by rule), never for every record.
 */
import { redact } from '../core/redact.ts';
import { appLabel, type LogRecord } from '../core/types.ts';
import type { CompiledRule } from './rule-engine.ts';
import { fieldOf } from './rule-table.ts';

/** Display name for titles (`{app}`). */
export function appDisplayName(app: string): string {
  return appLabel(app);
}

/** The title of `rule` for a record it matched. */
export function ruleTitle(rule: CompiledRule, rec: LogRecord): string {
  return renderTitle(rule.title, captures(rule, rec), rec);
}

/** An ERROR/FATAL record no rule explains: its app, the first line of its message, the exception's short type. */
export function uncategorizedTitle(rec: LogRecord): string {
  const line = (rec.message.split('\n')[0] ?? '').trim();
  const text = line.length > 100 ? `${line.slice(0, 97)}...` : line || 'an error without a message';
  const ex = rec.exception ? ` (${rec.exception.type.split('.').pop()})` : '';
  return redact(`${appDisplayName(rec.app)}: ${text}${ex}`);
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
  return template.replace(PLACEHOLDER, (_, key: string) => {
    if (/^\d+$/.test(key)) return clip(caps.numbered[Number(key) - 1] || '?');
    if (key in caps.named) return clip(caps.named[key] as string);
    if (key === 'app') return appDisplayName(rec.app);
    if (key === 'logger') return rec.logger ?? '?';
    if (key === 'exceptionType') return rec.exception ? (rec.exception.type.split('.').pop() ?? '?') : 'no exception';
    return `{${key}}`;
  });
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
