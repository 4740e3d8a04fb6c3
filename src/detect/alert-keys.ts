/**
 * How a record becomes an alert subject (which key counts it, per `alerts.key`) and which thresholds apply to it
 * (per-rule override, then per-source override, then the `alerts` section).
 */
import type { Config } from '../config/schema.ts';
import type { Issue, Level } from '../core/types.ts';
import type { AlertPolicy, AlertSubject } from './alerts.ts';
import { appDisplayName } from './rule-engine.ts';

export function alertSubject(
  mode: Config['alerts']['key'],
  issue: Issue,
  source: string,
  level: Level,
  ruleTitle: (() => string) | undefined,
): AlertSubject {
  const base = { source, app: issue.app, category: issue.category, severity: issue.severity, level };
  if (mode === 'rule' && issue.ruleId && ruleTitle) {
    return { ...base, key: `rule:${issue.ruleId}`, title: ruleTitle() };
  }
  if (mode === 'category') {
    return {
      ...base,
      key: `category:${source}:${issue.category}`,
      title: `${appDisplayName(issue.app)}: ${issue.category} problems on ${source}`,
    };
  }
  return { ...base, key: `issue:${issue.id}`, title: issue.title, fingerprint: issue.id };
}

export function alertPolicy(alerts: Config['alerts'], ruleId: string | undefined, source: string): AlertPolicy {
  const byRule = ruleId ? alerts.rules[ruleId] : undefined;
  const bySource = alerts.sources[source];
  return {
    enabled: byRule?.enabled !== false && bySource?.enabled !== false,
    threshold: byRule?.threshold ?? bySource?.threshold ?? alerts.threshold,
    windowMs: byRule?.window ?? bySource?.window ?? alerts.window,
    cooldownMs: byRule?.cooldown ?? bySource?.cooldown ?? alerts.cooldown,
  };
}

/** Silence allowed for a source before a `silent` alert; 0 is off (the default). */
export function silentAfter(alerts: Config['alerts'], source: string): number {
  return alerts.sources[source]?.silentAfter ?? alerts.silentAfter;
}
