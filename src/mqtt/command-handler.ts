/**
 * Carries out one command message from the broker: refuses retained ones, parses and runs it (commands.ts), answers
 * on `<base>/bridge/response` and has the states it changed republished at once. The glue between the connection
 * and the pure command logic, so the bridge only routes topics.
 */
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { IssueService, MuteService } from '../core/ports.ts';
import { parseCommand, runCommand } from './commands.ts';
import { BRIDGE_KEY } from './render-states.ts';
import type { SourceRegistry } from './source-registry.ts';
import type { Topics } from './topics.ts';

export interface CommandHandlerDeps {
  topics: Topics;
  sources: SourceRegistry;
  issues: IssueService;
  mutes: MuteService;
  clock: Clock;
  logger: Logger;
  sendTestNotification?: () => Promise<void>;
  analyze?: (issueId: string) => { ok: boolean; message: string };
  /** Publishes the answer (not retained). */
  respond(topic: string, payload: string): void;
  /** Republishes these state keys now. */
  flush(keys: ReadonlySet<string>): void;
}

export function handleCommand(d: CommandHandlerDeps, topic: string, payload: string, retain: boolean): void {
  const t = d.topics;
  if (retain) {
    d.logger.warn(
      'Ignored a retained MQTT command: commands must not be retained (it would replay on every reconnection).',
      { topic },
    );
    return;
  }
  const parsed = parseCommand(t.base, topic, payload, d.sources.bySlug());
  const command = topic.slice(t.base.length + 1);
  const respond = (ok: boolean, message: string): void => {
    d.respond(t.bridgeResponse, JSON.stringify({ command, ok, message, at: new Date(d.clock.now()).toISOString() }));
  };
  if (!parsed.ok) {
    d.logger.warn('Rejected an MQTT command.', { topic, reason: parsed.error });
    respond(false, parsed.error);
    return;
  }
  runCommand(parsed.command, {
    issues: d.issues,
    mutes: d.mutes,
    now: () => d.clock.now(),
    ...(d.sendTestNotification ? { sendTestNotification: d.sendTestNotification } : {}),
    ...(d.analyze ? { analyze: d.analyze } : {}),
  }).then(
    (r) => {
      d.logger.info(`MQTT command: ${r.message}`, { topic });
      respond(r.ok, r.message);
      const keys = new Set<string>([BRIDGE_KEY]);
      for (const s of r.changed) {
        if (s === null) for (const x of d.sources.list()) keys.add(`src:${x.name}`);
        else keys.add(`src:${s}`);
      }
      d.flush(keys);
    },
    (err: unknown) => {
      d.logger.warn('An MQTT command failed.', { topic, error: err });
      respond(false, err instanceof Error ? err.message : String(err));
    },
  );
}
