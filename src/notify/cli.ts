/**
 * `arrgus notify-test NAME`: sends a test notification to one configured target, straight through its channel (no
 * outbox), and says whether it arrived or exactly why not (DNS, refused, 401, TLS, timeout ...).
 */
import type { Config } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import { asDeliveryError } from './delivery.ts';
import { panelUrl, testContent } from './dispatcher.ts';
import { createNotifier } from './index.ts';

export interface NotifyTestIo {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
  clock: Clock;
}

/** Returns the exit code: 0 delivered, 1 failed, 2 no such target. */
export async function notifyTestCommand(config: Config, name: string | undefined, io: NotifyTestIo): Promise<number> {
  const names = config.notify.map((t) => t.name);
  const target = config.notify.find((t) => t.name.toLowerCase() === name?.toLowerCase());
  if (!target) {
    const known = names.length
      ? `configured targets: ${names.join(', ')}`
      : 'no targets are configured (see `notify` in the README)';
    io.err.write(`arrgus notify-test: ${name ? `no target named "${name}"` : 'which target?'}; ${known}\n`);
    return 2;
  }
  const notifier = createNotifier(target, io.clock);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), target.timeout);
  const started = performance.now();
  try {
    const r = await notifier.send(
      { id: `notify-test-${io.clock.now()}`, content: testContent(io.clock.now(), panelUrl({ config })) },
      abort.signal,
    );
    const ms = Math.round(performance.now() - started);
    io.out.write(
      `✓ ${target.name} (${target.type}): delivered in ${ms} ms${r?.warning ? ` — but ${r.warning}` : ''}\n`,
    );
    return 0;
  } catch (err) {
    const e = asDeliveryError(err);
    const status = e.status === undefined ? '' : `, status ${e.status}`;
    io.err.write(`✗ ${target.name} (${target.type}): ${e.message} [${e.kind}${status}]\n`);
    return 1;
  } finally {
    clearTimeout(timer);
  }
}
