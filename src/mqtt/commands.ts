/**
 * Commands under `<base>/.../set`: parsed and validated (zod), then carried out through the ports. Retained commands
 * are ignored: a command left retained on the broker would otherwise be replayed at every reconnection (muting a source
 * again days after someone unmuted it). Every command gets a JSON answer on `<base>/bridge/response`; the bridge
 * republishes the state it changed at once.
 */
import { z } from 'zod';
import type { IssueService, MuteService } from '../core/ports.ts';
import { BRIDGE, parseCommandTopic } from './topics.ts';

export type Command =
  | { kind: 'mute'; source: string | null; muted: boolean }
  | { kind: 'acknowledge'; source: string | null; issueId?: string }
  | { kind: 'resolve'; source: string | null; issueId?: string }
  | { kind: 'test-notification' };

const toggle = z.union([
  z
    .string()
    .trim()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(['ON', 'OFF', 'TRUE', 'FALSE', '1', '0']))
    .transform((s) => s === 'ON' || s === 'TRUE' || s === '1'),
]);
const toggleJson = z.union([
  z.boolean(),
  z.strictObject({ state: z.enum(['ON', 'OFF']) }).transform((o) => o.state === 'ON'),
  z.strictObject({ muted: z.boolean() }).transform((o) => o.muted),
]);
const press = z.literal(['PRESS', 'press', '']);
const acknowledgeJson = z.strictObject({ issue: z.string().min(1).max(200) });

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string };

/**
 * Reads one command. `sourceBySlug` maps topic segments to source names. Payloads: `ON`/`OFF` (also `true`/`false`,
 * `1`/`0`, `{"state":"ON"}`, `{"muted":true}`) for mute; `PRESS` for buttons; `{"issue":"<id>"}` acknowledges or
 * resolves one issue.
 */
export function parseCommand(
  base: string,
  topic: string,
  payload: string,
  sourceBySlug: ReadonlyMap<string, string>,
): ParseResult {
  const t = parseCommandTopic(base, topic);
  if (!t) return { ok: false, error: `not a command topic: ${topic}` };
  let source: string | null;
  if (t.target === BRIDGE) source = null;
  else {
    const name = sourceBySlug.get(t.target);
    if (name === undefined) return { ok: false, error: `unknown source "${t.target}"` };
    source = name;
  }
  const json = parseJson(payload);
  switch (t.command) {
    case 'mute': {
      const r = json.ok ? toggleJson.safeParse(json.value) : toggle.safeParse(payload);
      if (!r.success) return { ok: false, error: `mute expects ON or OFF, got ${preview(payload)}` };
      return { ok: true, command: { kind: 'mute', source, muted: r.data } };
    }
    case 'acknowledge':
    case 'resolve': {
      const kind = t.command;
      if (json.ok && source === null) {
        const r = acknowledgeJson.safeParse(json.value);
        if (!r.success)
          return { ok: false, error: `${kind} expects PRESS or {"issue":"<id>"}, got ${preview(payload)}` };
        return { ok: true, command: { kind, source, issueId: r.data.issue } };
      }
      if (!press.safeParse(payload.trim()).success) {
        return { ok: false, error: `${kind} expects PRESS, got ${preview(payload)}` };
      }
      return { ok: true, command: { kind, source } };
    }
    case 'test_notification':
      if (source !== null) return { ok: false, error: 'test_notification exists only on the bridge' };
      if (!press.safeParse(payload.trim()).success) {
        return { ok: false, error: `test_notification expects PRESS, got ${preview(payload)}` };
      }
      return { ok: true, command: { kind: 'test-notification' } };
    default:
      return { ok: false, error: `unknown command "${t.command}"` };
  }
}

export interface CommandDeps {
  issues: IssueService;
  mutes: MuteService;
  sendTestNotification?: () => Promise<void>;
  now(): number;
}

export interface CommandResult {
  ok: boolean;
  /** What happened, in a sentence. */
  message: string;
  /** Source whose state changed (`null` = the bridge / every source). */
  changed: Array<string | null>;
}

export async function runCommand(cmd: Command, deps: CommandDeps): Promise<CommandResult> {
  const at = deps.now();
  switch (cmd.kind) {
    case 'mute': {
      deps.mutes.setMuted(cmd.source, cmd.muted, at);
      const what = cmd.source === null ? 'Maintenance mode' : `Source ${cmd.source}`;
      return { ok: true, message: `${what} is now ${cmd.muted ? 'muted' : 'unmuted'}.`, changed: [cmd.source] };
    }
    case 'acknowledge': {
      if (cmd.issueId) {
        const issue = deps.issues.acknowledge(cmd.issueId, at);
        if (!issue) return { ok: false, message: `No issue ${cmd.issueId}.`, changed: [] };
        return { ok: true, message: `Issue ${cmd.issueId} acknowledged.`, changed: [null, ...issue.sources] };
      }
      const n = deps.issues.acknowledgeAll(cmd.source, at);
      return {
        ok: true,
        message: `${n} open issue${n === 1 ? '' : 's'} acknowledged${cmd.source ? ` in ${cmd.source}` : ''}.`,
        changed: [null, ...(cmd.source ? [cmd.source] : [])],
      };
    }
    case 'resolve': {
      if (cmd.issueId) {
        const issue = deps.issues.resolve(cmd.issueId, at);
        if (!issue) return { ok: false, message: `No issue ${cmd.issueId}.`, changed: [] };
        return { ok: true, message: `Issue ${cmd.issueId} resolved.`, changed: [null, ...issue.sources] };
      }
      const open = deps.issues.list({
        status: ['open', 'acknowledged'],
        ...(cmd.source !== null ? { source: cmd.source } : {}),
      });
      for (const issue of open) deps.issues.resolve(issue.id, at);
      const n = open.length;
      return {
        ok: true,
        message: `${n} issue${n === 1 ? '' : 's'} resolved${cmd.source ? ` in ${cmd.source}` : ''}.`,
        changed: [null, ...(cmd.source ? [cmd.source] : [...new Set(open.flatMap((i) => i.sources))])],
      };
    }
    case 'test-notification': {
      if (!deps.sendTestNotification)
        return { ok: false, message: 'No notification targets can be tested.', changed: [] };
      await deps.sendTestNotification();
      return { ok: true, message: 'Test notification sent.', changed: [] };
    }
  }
}

function parseJson(payload: string): { ok: true; value: unknown } | { ok: false } {
  const t = payload.trim();
  if (!t.startsWith('{') && t !== 'true' && t !== 'false') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    // Not JSON after all: treat it as plain text.
    return { ok: false };
  }
}

function preview(payload: string): string {
  const s = JSON.stringify(payload);
  return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
}
