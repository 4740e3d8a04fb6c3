/**
 * E-mail over SMTP (nodemailer): STARTTLS (required, never silently skipped), implicit TLS, or none; optional
 * authentication; text and HTML bodies; several recipients. A fresh connection per delivery: alerts are rare and a
 * pooled socket would only go stale between them. nodemailer's error codes are mapped to the failure kinds
 * `notify-test` reports (DNS, refused, TLS, 535 authentication, 550 recipient ...).
 */
import { isIP } from 'node:net';
import type { EmailTarget } from '../config/notify.ts';
import { renderHtml, renderText } from './render.ts';
import {
  type Content,
  type Delivery,
  DeliveryError,
  type Notifier,
  SEVERITY_COLOUR,
  type SendResult,
} from './types.ts';

interface SmtpError extends Error {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  rejected?: string[];
}

export function emailMessage(t: EmailTarget, c: Content) {
  const colour = c.kind === 'resolved' ? '#2ecc71' : `#${SEVERITY_COLOUR[c.severity].toString(16).padStart(6, '0')}`;
  return {
    from: t.fromName ? { name: t.fromName, address: t.from } : t.from,
    to: t.to,
    ...(t.cc?.length ? { cc: t.cc } : {}),
    ...(t.bcc?.length ? { bcc: t.bcc } : {}),
    subject: c.title.replace(/[\r\n]+/g, ' '),
    text: renderText(c),
    html: renderHtml(c, colour),
    headers: {
      'X-Arrgus-Severity': c.severity,
      'X-Arrgus-Kind': c.kind,
    },
  };
}

export function createEmail(t: EmailTarget, timeoutMs: number): Notifier {
  const port = t.port ?? (t.security === 'tls' ? 465 : t.security === 'starttls' ? 587 : 25);
  return {
    name: t.name,
    type: 'email',
    async send(d: Delivery, signal: AbortSignal): Promise<SendResult | undefined> {
      // Loaded on the first e-mail: nodemailer is ~80 modules (~10 MB of memory) that most installs never use.
      const { createTransport } = await import('nodemailer');
      const transport = createTransport({
        host: t.host,
        port,
        secure: t.security === 'tls',
        requireTLS: t.security === 'starttls',
        ignoreTLS: t.security === 'none',
        ...(t.username ? { auth: { user: t.username, pass: t.password ?? '' } } : {}),
        // SNI must be a name, never an IP (RFC 6066).
        tls: { rejectUnauthorized: t.verifyTls, ...(isIP(t.host) ? {} : { servername: t.host }) },
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
        dnsTimeout: timeoutMs,
      });
      const onAbort = () => transport.close();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const info = await transport.sendMail({ ...emailMessage(t, d.content), messageId: `<${d.id}@arrgus>` });
        if (info.accepted.length === 0) {
          throw new DeliveryError(`the SMTP server accepted none of the recipients (${describe(info.rejected)})`, {
            kind: 'rejected',
            permanent: true,
          });
        }
        return info.rejected.length ? { warning: `recipients refused: ${describe(info.rejected)}` } : undefined;
      } catch (err) {
        if (signal.aborted) {
          throw new DeliveryError(`no answer from SMTP server ${t.host}:${port} in time`, {
            kind: 'timeout',
            cause: err,
          });
        }
        throw err instanceof DeliveryError ? err : classifySmtpError(err as SmtpError, `${t.host}:${port}`);
      } finally {
        signal.removeEventListener('abort', onAbort);
        transport.close();
      }
    },
  };
}

function describe(list: unknown[]): string {
  return list.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
}

export function classifySmtpError(e: SmtpError, where: string): DeliveryError {
  const code = e.code ?? '';
  const sys = e.originalCode ?? '';
  const reply = e.response ? ` (server said: ${e.response.slice(0, 200)})` : '';
  const rc = e.responseCode;
  if (code === 'EDNS' || sys === 'ENOTFOUND' || sys === 'EAI_AGAIN') {
    return new DeliveryError(`DNS: cannot resolve the SMTP server ${where}`, { kind: 'dns', cause: e });
  }
  if (sys === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message)) {
    return new DeliveryError(`connection refused by SMTP server ${where}`, { kind: 'refused', cause: e });
  }
  if (code === 'ETIMEDOUT') return new DeliveryError(`SMTP server ${where} timed out`, { kind: 'timeout', cause: e });
  if (code === 'ETLS' || /certificate|ssl|tls|wrong version/i.test(e.message)) {
    return new DeliveryError(`TLS with SMTP server ${where} failed: ${e.message}`, { kind: 'tls', cause: e });
  }
  if (code === 'EAUTH' || code === 'ENOAUTH') {
    return new DeliveryError(`SMTP server ${where} refused the login${rc ? ` (${rc})` : ''}${reply}`, {
      kind: 'auth',
      ...(rc ? { status: rc } : {}),
      cause: e,
    });
  }
  if (code === 'EENVELOPE') {
    // 5xx refuses the address for good; 4xx (greylisting, mailbox busy) is worth another try.
    const permanent = rc !== undefined && rc >= 500;
    return new DeliveryError(
      `SMTP server ${where} refused the ${e.command === 'MAIL FROM' ? 'sender' : 'recipient'}${reply}`,
      {
        kind: 'rejected',
        permanent,
        ...(rc ? { status: rc } : {}),
        cause: e,
      },
    );
  }
  if (rc !== undefined && rc >= 500) {
    return new DeliveryError(`SMTP server ${where} refused the message (${rc})${reply}`, {
      kind: rc === 552 ? 'too-large' : 'rejected',
      permanent: true,
      status: rc,
      cause: e,
    });
  }
  return new DeliveryError(`SMTP delivery via ${where} failed: ${e.message}`, {
    kind: rc !== undefined ? 'server' : 'network',
    ...(rc ? { status: rc } : {}),
    cause: e,
  });
}
