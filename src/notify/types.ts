/**
 * The one small interface every channel implements (Uptime Kuma's providers do the same): a notifier turns one
 * rendered `Content` into one delivery and either resolves or throws a `DeliveryError` that says exactly why.
 * Retries, timeouts and ordering live in delivery.ts, never in a channel.
 */
import type { NOTIFY_EVENT_KINDS } from '../config/notify.ts';
import { redact } from '../core/redact.ts';
import type { Severity } from '../core/types.ts';

/** What a notification is about. `summary` is the digest sent when a mute ends; `test` comes from notify-test. */
export type NotifyEventKind = (typeof NOTIFY_EVENT_KINDS)[number];
export type ContentKind = NotifyEventKind | 'summary' | 'test';

/** One labelled fact shown as a line, an embed field or a table row. */
export interface Fact {
  label: string;
  value: string;
}

/**
 * A notification, rendered once per target (templates are per target) and stored as JSON in the outbox. Every string
 * in it has been through `redact` already; channels only format it.
 */
export interface Content {
  kind: ContentKind;
  title: string;
  /** One or two sentences: what happened. Template bodies replace it. */
  message: string;
  severity: Severity;
  /** Epoch ms of the event. */
  at: number;
  source?: string;
  app?: string;
  category?: string;
  facts: Fact[];
  /** The last sample, trimmed. */
  sample?: string;
  /** Panel link to the issue (or the panel itself). */
  link?: string;
  /** Machine-readable details: the webhook's `details` object. */
  details: Record<string, unknown>;
}

/** A queued delivery as a channel sees it: the content plus a stable id (idempotency key for receivers). */
export interface Delivery {
  id: string;
  content: Content;
}

export interface SendResult {
  warning?: string;
}

export interface Notifier {
  readonly name: string;
  readonly type: string;
  /**
   * Sends one delivery. Must honour `signal` (the per-target timeout aborts through it). Resolves with a warning when
   * delivered only in part (some e-mail recipients refused).
   */
  send(delivery: Delivery, signal: AbortSignal): Promise<SendResult | undefined>;
}

/** Why a delivery failed, in the words an operator needs: DNS, refused, 401, TLS, timeout ... */
export type FailureKind =
  | 'dns'
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'auth'
  | 'not-found'
  | 'rate-limited'
  | 'rejected'
  | 'too-large'
  | 'server'
  | 'network'
  | 'config';

export interface DeliveryErrorInit {
  kind: FailureKind;
  status?: number;
  retryAfterMs?: number;
  /** Retrying the same payload cannot succeed (400, 413, a recipient the server refuses). */
  permanent?: boolean;
  cause?: unknown;
}

export class DeliveryError extends Error {
  readonly kind: FailureKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly permanent: boolean;

  constructor(message: string, init: DeliveryErrorInit) {
    // Targets echo requests in their error replies (`Cannot POST /hook/<token>`): the message is redacted at birth,
    // before the delivery log, health, the test route, MQTT or Arrgus's log can carry it.
    super(redact(message), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'DeliveryError';
    this.kind = init.kind;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.permanent = init.permanent ?? false;
  }
}

/** Severity → a colour (Discord embeds, Slack attachments, e-mail accents). */
export const SEVERITY_COLOUR: Readonly<Record<Severity, number>> = {
  info: 0x3498db,
  low: 0x95a5a6,
  medium: 0xf1c40f,
  high: 0xe67e22,
  critical: 0xe74c3c,
};
