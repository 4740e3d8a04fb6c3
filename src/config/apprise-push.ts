/**
 * Apprise URLs of the push services: ntfy and Gotify. Both carry a server, a credential and a priority whose names
 * differ per service, so each reads its own priority words.
 *   ntfy://topic · ntfy[s]://[user:pass@|tk_token@]host[:port]/topic?priority=high&tags=a,b&click=URL
 *   gotify[s]://host[:port][/path]/APPTOKEN?priority=high&format=markdown
 */
import { type AppriseParts, formatAndVerify, origin, type TargetObject, take, UrlProblem } from './apprise-parts.ts';

export function ntfyFromUrl(p: AppriseParts): TargetObject {
  const secure = p.scheme === 'ntfys';
  const q = take(p, ['priority', 'tags', 'click', 'token', 'auth', 'format', 'markdown', 'verify', 'mode']);
  let server: string;
  let topic: string | undefined;
  if (p.segments.length === 0) {
    // ntfy://topic: Apprise's cloud form, always https://ntfy.sh.
    // A dot, a port or credentials mean the user wrote a server and forgot the topic.
    if (!p.host || p.host.includes('.') || p.port || p.user || p.password) {
      throw new UrlProblem('the ntfy URL has no topic (write ntfys://host/topic, or ntfy://topic for ntfy.sh)');
    }
    server = 'https://ntfy.sh';
    topic = p.host;
  } else {
    if (p.segments.length > 1) {
      throw new UrlProblem('the ntfy URL names several topics; write one target per topic (ntfys://host/topic)');
    }
    server = origin(secure, p);
    topic = p.segments[0];
  }
  if (!topic || !/^[-_A-Za-z0-9]{1,64}$/.test(topic)) {
    throw new UrlProblem('the ntfy topic must be 1-64 letters, digits, - or _');
  }
  const out: TargetObject = { type: 'ntfy', url: server, topic };
  const token = q.get('token') ?? (p.user.startsWith('tk_') && !p.password ? p.user : undefined);
  const bareToken = !p.user && p.password.startsWith('tk_') ? p.password : undefined;
  if (token ?? bareToken) out.token = token ?? bareToken;
  else if (p.user && p.password) Object.assign(out, { username: p.user, password: p.password });
  else if (p.user)
    throw new UrlProblem('the ntfy URL has a user but no password (write user:password@host, or tk_token@host)');
  const prio = q.get('priority');
  if (prio !== undefined) out.priority = ntfyPriority(prio);
  const tags = q.get('tags');
  if (tags) out.tags = tags.split(/[,\s]+/).filter(Boolean);
  const click = q.get('click');
  if (click) out.click = click;
  formatAndVerify(q, out);
  return out;
}

function ntfyPriority(v: string): number {
  const map: Record<string, number> = {
    min: 1,
    low: 2,
    default: 3,
    normal: 3,
    high: 4,
    max: 5,
    urgent: 5,
    emergency: 5,
  };
  const n = /^[1-5]$/.test(v) ? Number(v) : map[v.toLowerCase()];
  if (n === undefined) throw new UrlProblem(`ntfy priority "${v}" is not one of min, low, default, high, max or 1-5`);
  return n;
}

export function gotifyFromUrl(p: AppriseParts): TargetObject {
  const q = take(p, ['priority', 'format', 'verify']);
  if (!p.host) throw new UrlProblem('the Gotify URL has no host (write gotifys://host/APPTOKEN)');
  const token = p.segments.at(-1);
  if (!token) throw new UrlProblem('the Gotify URL has no application token (write gotifys://host/APPTOKEN)');
  const path = p.segments.slice(0, -1).map(encodeURIComponent).join('/');
  const out: TargetObject = {
    type: 'gotify',
    url: `${origin(p.scheme === 'gotifys', p)}${path ? `/${path}` : ''}`,
    token,
  };
  const prio = q.get('priority');
  if (prio !== undefined) out.priority = gotifyPriority(prio);
  formatAndVerify(q, out);
  return out;
}

function gotifyPriority(v: string): number {
  if (/^(?:10|[0-9])$/.test(v)) return Number(v);
  const map: Record<string, number> = { low: 1, moderate: 3, normal: 5, high: 8, emergency: 10 };
  const n = map[v.toLowerCase()];
  if (n === undefined)
    throw new UrlProblem(`Gotify priority "${v}" is not one of low, moderate, normal, high, emergency or 0-10`);
  return n;
}
