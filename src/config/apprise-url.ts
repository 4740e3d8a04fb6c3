/**
 * Apprise-style target URLs (the forms Home Assistant users already write), turned into the object form of a target.
 * This file only recognises the scheme and hands the URL's parts to that service family's builder; syntax follows
 * Apprise's documentation for each service:
 *   apprise-push.ts      ntfy://, ntfys://, gotify://, gotifys://
 *   apprise-mail.ts      mailto://, mailtos://
 *   apprise-webhooks.ts  discord://, slack://, json://, jsons://, and Discord/Slack https:// webhook URLs
 * `verify=no` turns TLS verification off for any of them. Problems come back as one sentence saying what is wrong and
 * how the URL should look; they never repeat the URL (it holds secrets).
 */
import { mailFromUrl } from './apprise-mail.ts';
import { type AppriseParts, readParts, type TargetObject, UrlProblem } from './apprise-parts.ts';
import { gotifyFromUrl, ntfyFromUrl } from './apprise-push.ts';
import { discordFromUrl, jsonFromUrl, slackFromUrl, webhookFromHttpUrl } from './apprise-webhooks.ts';

export type AppriseResult = { ok: true; target: TargetObject } | { ok: false; problem: string };

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
    return { ok: true, target: build(readParts(scheme, url), url) };
  } catch (err) {
    if (err instanceof UrlProblem) return fail(err.message);
    throw err;
  }
}

function fail(problem: string): AppriseResult {
  return { ok: false, problem };
}

function build(p: AppriseParts, url: URL): TargetObject {
  switch (p.scheme) {
    case 'ntfy':
    case 'ntfys':
      return ntfyFromUrl(p);
    case 'gotify':
    case 'gotifys':
      return gotifyFromUrl(p);
    case 'mailto':
    case 'mailtos':
      return mailFromUrl(p);
    case 'discord':
      return discordFromUrl(p);
    case 'slack':
      return slackFromUrl(p);
    case 'json':
    case 'jsons':
      return jsonFromUrl(p);
    case 'http':
    case 'https':
      return webhookFromHttpUrl(p, url);
    default:
      throw new UrlProblem(
        `the scheme ${p.scheme}:// is not supported (use ntfy://, ntfys://, gotify://, gotifys://, mailto://, mailtos://, discord://, slack://, json:// or jsons://)`,
      );
  }
}
