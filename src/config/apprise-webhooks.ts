/**
 * Apprise URLs of the services reached by an HTTP webhook: Discord, Slack and plain JSON, plus the services' own
 * https:// webhook URLs, which Apprise accepts as they are (so they are read here, beside the short forms they
 * mean).
 *   discord://[botname@]WEBHOOK_ID/WEBHOOK_TOKEN?avatar_url=URL · https://discord.com/api/webhooks/ID/TOKEN
 *   slack://[botname@]TOKEN_A/TOKEN_B/TOKEN_C[/#channel] · https://hooks.slack.com/services/A/B/C
 *   json[s]://[user:pass@]host[:port][/path]?+X-Header=value&method=PUT
 */
import { type AppriseParts, origin, type TargetObject, take, UrlProblem, yes } from './apprise-parts.ts';

export function discordFromUrl(p: AppriseParts): TargetObject {
  const q = take(p, ['avatar_url', 'avatar', 'botname', 'format', 'verify', 'footer', 'image', 'tts', 'thread']);
  const id = p.host;
  const token = p.segments[0];
  if (!id || !token || p.segments.length > 1) {
    throw new UrlProblem('the Discord URL must be discord://WEBHOOK_ID/WEBHOOK_TOKEN');
  }
  if (!/^\d+$/.test(id))
    throw new UrlProblem('the Discord webhook id must be digits (discord://WEBHOOK_ID/WEBHOOK_TOKEN)');
  return discordTarget(id, token, p.user || q.get('botname'), q.get('avatar_url'));
}

function discordTarget(id: string, token: string, username?: string, avatarUrl?: string): TargetObject {
  const out: TargetObject = {
    type: 'discord',
    webhookUrl: `https://discord.com/api/webhooks/${id}/${encodeURIComponent(token)}`,
  };
  if (username) out.username = username;
  if (avatarUrl) out.avatarUrl = avatarUrl;
  return out;
}

export function slackFromUrl(p: AppriseParts): TargetObject {
  const q = take(p, ['botname', 'channel', 'format', 'verify', 'footer', 'image']);
  if (/^xox[bp]-/i.test(p.host)) {
    throw new UrlProblem('Slack bot tokens (xoxb-/xoxp-) are not supported: use an incoming webhook, slack://A/B/C');
  }
  const [b, c, ...rest] = p.segments;
  const tokens = [p.host, b, c];
  if (tokens.some((t) => !t || !/^[A-Za-z0-9]+$/.test(t))) {
    throw new UrlProblem('the Slack URL must be slack://TOKEN_A/TOKEN_B/TOKEN_C (the three parts of the webhook URL)');
  }
  if (rest.length > 1) throw new UrlProblem('an incoming webhook posts to one channel; write one target per channel');
  return slackTarget(tokens as string[], p.user || q.get('botname'), rest[0] ?? q.get('channel'));
}

function slackTarget(tokens: string[], username?: string, channel?: string): TargetObject {
  const out: TargetObject = {
    type: 'slack',
    webhookUrl: `https://hooks.slack.com/services/${tokens.join('/')}`,
  };
  if (username) out.username = username;
  if (channel) out.channel = /^[#@]/.test(channel) ? channel : `#${channel}`;
  return out;
}

export function jsonFromUrl(p: AppriseParts): TargetObject {
  if (!p.host) throw new UrlProblem('the json URL has no host (write jsons://host/path)');
  const headers: Record<string, string> = {};
  for (const [k, v] of [...p.query]) {
    if (k.startsWith('+')) {
      if (k.length === 1) throw new UrlProblem('a header parameter needs a name (+X-Header=value)');
      headers[k.slice(1)] = v;
      p.query.delete(k);
    } else if (k.startsWith(':') || k.startsWith('-')) {
      throw new UrlProblem(`payload mapping (${k[0]}key) is not supported; use the webhook's template instead`);
    }
  }
  const q = take(p, ['method', 'verify', 'format']);
  const path = p.segments.map(encodeURIComponent).join('/');
  const out: TargetObject = {
    type: 'webhook',
    url: `${origin(p.scheme === 'jsons', p)}/${path}`,
  };
  const method = q.get('method')?.toUpperCase();
  if (method !== undefined) {
    if (method !== 'POST' && method !== 'PUT') throw new UrlProblem(`method "${method}" is not POST or PUT`);
    out.method = method;
  }
  if (p.user) out.username = p.user;
  if (p.password) out.password = p.password;
  if (Object.keys(headers).length) out.headers = headers;
  const verify = q.get('verify');
  if (verify !== undefined) out.verifyTls = yes(verify);
  return out;
}

/** Apprise also accepts the services' own webhook URLs as they are. */
export function webhookFromHttpUrl(p: AppriseParts, url: URL): TargetObject {
  const host = url.hostname.toLowerCase();
  const s = p.segments;
  if (/(?:^|\.)discord(?:app)?\.com$/.test(host) && s[0] === 'api' && s[1] === 'webhooks' && s[2] && s[3]) {
    return discordTarget(s[2], s[3], p.query.get('botname'), p.query.get('avatar_url'));
  }
  if (host === 'hooks.slack.com' && s[0] === 'services' && s.length === 4) {
    return slackTarget(s.slice(1), p.query.get('botname'));
  }
  throw new UrlProblem(
    'a plain http(s):// URL is only understood for Discord and Slack webhooks; use json://host/path (or jsons://) for a JSON webhook',
  );
}
