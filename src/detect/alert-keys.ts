/**
 * How a record becomes an alert subject (which key counts it, per `alerts.key`) and which thresholds apply to it
 * (per-rule override, then per-source override, then the `alerts` section). `AlertKeys` serves the hot path: policies
 * and per-issue keys are resolved once (the configuration does not change at runtime) and looked up without building
 * strings.
 */
import type { Config } from '../config/schema.ts';
import type { Issue, Level } from '../core/types.ts';
import type { AlertPolicy, AlertSubject } from './alerts.ts';
import { appDisplayName } from './titles.ts';

/** The alert key of one issue (`alerts.key: issue`, and always for problems that APIs report). */
export function issueAlertKey(issueId: string): string {
  return `issue:${issueId}`;
}

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
  return { ...base, key: issueAlertKey(issue.id), title: issue.title, fingerprint: issue.id };
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

export class AlertKeys {
  readonly mode: Config['alerts']['key'];
  private readonly alerts: Config['alerts'];
  /** Per source, then per rule id ('' for none). */
  private readonly policies = new Map<string, Map<string, AlertPolicy>>();
  private readonly issueSubjects = new WeakMap<Issue, AlertSubject>();

  constructor(alerts: Config['alerts']) {
    this.alerts = alerts;
    this.mode = alerts.key;
  }

  policy(ruleId: string | undefined, source: string): AlertPolicy {
    let bySource = this.policies.get(source);
    if (!bySource) {
      bySource = new Map();
      this.policies.set(source, bySource);
    }
    const rule = ruleId ?? '';
    let p = bySource.get(rule);
    if (!p) {
      p = alertPolicy(this.alerts, ruleId, source);
      bySource.set(rule, p);
    }
    return p;
  }

  /**
   * The subject of the default mode (`issue`): one key per issue. The alert engine only reads a subject (it keeps a
   * copy), so the last one built for an issue is handed out again while nothing in it changed: a burst of one issue's
   * records allocates none.
   */
  issueSubject(issue: Issue, source: string, level: Level): AlertSubject {
    const last = this.issueSubjects.get(issue);
    if (
      last !== undefined &&
      last.source === source &&
      last.level === level &&
      last.title === issue.title &&
      last.category === issue.category &&
      last.severity === issue.severity &&
      last.app === issue.app &&
      last.fingerprint === issue.id
    )
      return last;
    const subject: AlertSubject = {
      key: last !== undefined && last.fingerprint === issue.id ? last.key : issueAlertKey(issue.id),
      title: issue.title,
      source,
      app: issue.app,
      category: issue.category,
      severity: issue.severity,
      level,
      fingerprint: issue.id,
    };
    this.issueSubjects.set(issue, subject);
    return subject;
  }
}
