/**
 * Apprise mail URLs: mailto[s]://user:pass@domain[:port][/to@x.com...]?smtp=host&from=a@b&name=Arrgus&to=&cc=&bcc=
 * &mode=ssl|starttls. The domain doubles as the SMTP host unless a provider preset or `smtp=` says otherwise, which
 * is why the presets live here and not in the email notifier.
 */
import { type AppriseParts, type TargetObject, take, UrlProblem, yes } from './apprise-parts.ts';

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

export function mailFromUrl(p: AppriseParts): TargetObject {
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
  const out: TargetObject = {
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
