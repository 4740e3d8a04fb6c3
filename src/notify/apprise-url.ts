/**
 * Apprise-style target URLs (the forms Home Assistant users already write), turned into the object form of a target.
 * Syntax follows Apprise's documentation for each service:
 *   ntfy://topic · ntfy[s]://[user:pass@|tk_token@]host[:port]/topic?priority=high&tags=a,b&click=URL
 *   gotify[s]://host[:port][/path]/APPTOKEN?priority=high&format=markdown
 *   mailto[s]://user:pass@domain[:port][/to@x.com...]?smtp=host&from=a@b&name=Arrgus&to=&cc=&bcc=&mode=ssl|starttls
 *   discord://[botname@]WEBHOOK_ID/WEBHOOK_TOKEN?avatar_url=URL · https://discord.com/api/webhooks/ID/TOKEN
 *   slack://[botname@]TOKEN_A/TOKEN_B/TOKEN_C[/#channel] · https://hooks.slack.com/services/A/B/C
 *   json[s]://[user:pass@]host[:port][/path]?+X-Header=value&method=PUT
 * `verify=no` turns TLS verification off for any of them. Problems come back as one sentence saying what is wrong and
 * how the URL should look; they never repeat the URL (it holds secrets).
 */

export type AppriseResult = { ok: true; target: Record<string, unknown> } | { ok: false; problem: string };

/** Apprise's global parameters that mean nothing here; accepted so URLs copied from elsewhere keep working. */
const IGNORED = new Set(['overflow', 'emojis', 'rto', 'cto', 'store', 'tz', 'discovery']);

interface Parsed {
  scheme: string;
  user: string;
  password: string;
  host: string;
  port: string;
  segments: string[];
  query: Map<string, string>;
}

export function parseAppriseUrl(raw: string): AppriseResult {
  const text = raw.trim();
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (!m) return fail('it is not a URL of the form service://...');
  const scheme = (m[1] as string).toLowerCase();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`it is not a well-formed ${scheme}:// URL (check for spaces or an unescaped @ / : in a password)`);
  }
  try {
    const p: Parsed = {
      scheme,
      user: decode(url.username),
      password: decode(url.password),
      host: url.hostname,
      port: url.port,
      segments: url.pathname.split('/').filter(Boolean).map(decode),
      query: parseQuery(url.search),
    };
    return { ok: true, target: build(p, url) };
  } catch (err) {
    if (err instanceof UrlProblem) return fail(err.message);
    throw err;
  }
}

class UrlProblem extends Error {}

function fail(problem: string): AppriseResult {
  return { ok: false, problem };
}

function build(p: Parsed, url: URL): Record<string, unknown> {
  switch (p.scheme) {
    case 'ntfy':
    case 'ntfys':
      return ntfy(p);
    case 'gotify':
    case 'gotifys':
      return gotify(p);
    case 'mailto':
    case 'mailtos':
      return mailto(p);
    case 'discord':
      return discord(p);
    case 'slack':
      return slack(p);
    case 'json':
    case 'jsons':
      return json(p);
    case 'http':
    case 'https':
      return webUrl(p, url);
    default:
      throw new UrlProblem(
        `the scheme ${p.scheme}:// is not supported (use ntfy://, ntfys://, gotify://, gotifys://, mailto://, mailtos://, discord://, slack://, json:// or jsons://)`,
      );
  }
}

function ntfy(p: Parsed): Record<string, unknown> {
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
  const out: Record<string, unknown> = { type: 'ntfy', url: server, topic };
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

function gotify(p: Parsed): Record<string, unknown> {
  const q = take(p, ['priority', 'format', 'verify']);
  if (!p.host) throw new UrlProblem('the Gotify URL has no host (write gotifys://host/APPTOKEN)');
  const token = p.segments.at(-1);
  if (!token) throw new UrlProblem('the Gotify URL has no application token (write gotifys://host/APPTOKEN)');
  const path = p.segments.slice(0, -1).map(encodeURIComponent).join('/');
  const out: Record<string, unknown> = {
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

/** Apprise's presets for the big providers, so mailtos://user:pass@gmail.com just works. */
const MAIL_PROVIDERS: Record<string, { host: string; port: number; security: 'tls' | 'starttls' }> = {
  'gmail.com': { host: 'smtp.gmail.com', port: 587, security: 'starttls' },
  'googlemail.com': { host: 'smtp.gmail.com', port: 587, security: 'starttls' },
  'outlook.com': { host: 'smtp-mail.outlook.com', port: 587, security: 'starttls' },
  'hotmail.com': { host: 'smtp-mail.outlook.com', port: 587, security: 'starttls' },
  'live.com': { host: 'smtp-mail.outlook.com', port: 587, security: 'starttls' },
  'yahoo.com': { host: 'smtp.mail.yahoo.com', port: 465, security: 'tls' },
  'fastmail.com': { host: 'smtp.fastmail.com', port: 465, security: 'tls' },
};

function mailto(p: Parsed): Record<string, unknown> {
  const q = take(p, ['smtp', 'from', 'name', 'to', 'cc', 'bcc', 'mode', 'user', 'pass', 'verify', 'format']);
  if (!p.host) throw new UrlProblem('the mailto URL has no domain (write mailtos://user:password@example.com)');
  const user = q.get('user') ?? p.user;
  const password = q.get('pass') ?? p.password;
  const preset = q.get('smtp') ? undefined : MAIL_PROVIDERS[p.host.toLowerCase()];
  const mode = q.get('mode')?.toLowerCase();
  if (mode !== undefined && mode !== 'ssl' && mode !== 'starttls' && mode !== 'insecure') {
    throw new UrlProblem(`mode "${mode}" is not one of ssl, starttls or insecure`);
  }
  let security: 'tls' | 'starttls' | 'none';
  if (p.scheme === 'mailto' || mode === 'insecure') security = 'none';
  else if (mode === 'ssl') security = 'tls';
  else if (mode === 'starttls') security = 'starttls';
  else security = preset?.security ?? 'starttls';
  const defaultPort = security === 'tls' ? 465 : security === 'starttls' ? 587 : 25;
  const port = p.port ? Number(p.port) : preset && security === preset.security ? preset.port : defaultPort;
  const localPart = user.includes('@') ? user : user ? `${user}@${p.host}` : undefined;
  const from = q.get('from') ?? localPart;
  if (!from) throw new UrlProblem('the mailto URL has no sender (write user@domain, or add ?from=alerts@example.com)');
  const list = (v: string | undefined) => (v ? v.split(/[,\s]+/).filter(Boolean) : []);
  const to = [...p.segments, ...list(q.get('to'))];
  const out: Record<string, unknown> = {
    type: 'email',
    host: q.get('smtp') ?? preset?.host ?? p.host,
    port,
    security,
    from,
    to: to.length ? to : [from],
  };
  if (user) out.username = user;
  if (password) out.password = password;
  if (user && !password) throw new UrlProblem('the mailto URL has a user but no password (write user:password@domain)');
  const name = q.get('name');
  if (name) out.fromName = name;
  const cc = list(q.get('cc'));
  if (cc.length) out.cc = cc;
  const bcc = list(q.get('bcc'));
  if (bcc.length) out.bcc = bcc;
  const verify = q.get('verify');
  if (verify !== undefined) out.verifyTls = yes(verify);
  return out;
}

function discord(p: Parsed): Record<string, unknown> {
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

function discordTarget(id: string, token: string, username?: string, avatarUrl?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: 'discord',
    webhookUrl: `https://discord.com/api/webhooks/${id}/${encodeURIComponent(token)}`,
  };
  if (username) out.username = username;
  if (avatarUrl) out.avatarUrl = avatarUrl;
  return out;
}

function slack(p: Parsed): Record<string, unknown> {
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

function slackTarget(tokens: string[], username?: string, channel?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: 'slack',
    webhookUrl: `https://hooks.slack.com/services/${tokens.join('/')}`,
  };
  if (username) out.username = username;
  if (channel) out.channel = /^[#@]/.test(channel) ? channel : `#${channel}`;
  return out;
}

function json(p: Parsed): Record<string, unknown> {
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
  const out: Record<string, unknown> = {
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
function webUrl(p: Parsed, url: URL): Record<string, unknown> {
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

function formatAndVerify(q: Map<string, string>, out: Record<string, unknown>): void {
  const format = q.get('format')?.toLowerCase();
  if (format !== undefined) {
    if (format !== 'markdown' && format !== 'text' && format !== 'html') {
      throw new UrlProblem(`format "${format}" is not one of markdown, text or html`);
    }
    out.markdown = format === 'markdown';
  }
  const md = q.get('markdown');
  if (md !== undefined) out.markdown = yes(md);
  const verify = q.get('verify');
  if (verify !== undefined) out.verifyTls = yes(verify);
}

/** Returns the known parameters; any other (bar Apprise's global ones) is an error that names it. */
function take(p: Parsed, known: string[]): Map<string, string> {
  for (const k of p.query.keys()) {
    if (!known.includes(k) && !IGNORED.has(k)) {
      throw new UrlProblem(`the parameter "${k}" is not understood (known: ${known.join(', ')})`);
    }
  }
  return p.query;
}

function origin(secure: boolean, p: Parsed): string {
  if (!p.host) throw new UrlProblem(`the ${p.scheme}:// URL has no host`);
  const host = p.host.includes(':') && !p.host.startsWith('[') ? `[${p.host}]` : p.host;
  return `${secure ? 'https' : 'http'}://${host}${p.port ? `:${p.port}` : ''}`;
}

function yes(v: string): boolean {
  if (/^(?:yes|true|on|1)$/i.test(v)) return true;
  if (/^(?:no|false|off|0)$/i.test(v)) return false;
  throw new UrlProblem(`"${v}" is not yes or no`);
}

/** Query strings are split by hand: `+Header=v` must keep its `+`, which URLSearchParams turns into a space. */
function parseQuery(search: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    out.set(
      key.startsWith('+') || key.startsWith(':') || key.startsWith('-') ? key : key.toLowerCase(),
      decode(eq < 0 ? '' : part.slice(eq + 1)),
    );
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new UrlProblem('it has a broken %-escape');
  }
}
