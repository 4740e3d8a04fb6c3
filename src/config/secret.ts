/**
 * Secrets in the schema: never empty (an empty `webhookSecret` used to switch webhook auth off even with a
 * `web.token`), never shorter than redaction can mask everywhere, and longer still for the secrets Arrgus itself
 * checks (a guessable webhook secret or API token is no protection).
 */
import { z } from 'zod';
import { MIN_SECRET_LENGTH } from '../core/redact.ts';

/** Shortest secret Arrgus checks itself (`web.token`, `webhookSecret`). */
export const MIN_OWN_SECRET_LENGTH = 8;

/** A secret string of at least `min` characters. */
export function secretString(min: number = MIN_SECRET_LENGTH): z.ZodString {
  return z.string().min(min);
}

/** An http:// or https:// URL (no `file:`, `ftp:`, `javascript:` …). */
export function httpUrl(): z.ZodURL {
  return z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
}
