/**
 * `arrgus run` as a real child process (bin/arrgus.js), for end-to-end tests and benches that look at it from the
 * outside: its HTTP port and embedded broker port (read from its log), its RSS (`/proc/PID/status`), its log lines.
 * Started by root, it drops to `nobody` the way the image does (`ARRGUS_DROP_TO`), so file permissions mean what they
 * mean for a real deployment (root reads everything); the directories it needs are opened up for that user.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor as waitUntilValue } from './wait.ts';

const BIN = fileURLToPath(new URL('../../bin/arrgus.js', import.meta.url));
/** The V8 flags of the bin's shebang (`#!/usr/bin/env -S node FLAGS`): what `arrgus run` gets when a user runs it. */
const BIN_FLAGS = (/^#!\S*env -S node(.*)$/.exec(readFileSync(BIN, 'utf8').split('\n', 1)[0] ?? '')?.[1] ?? '')
  .trim()
  .split(/\s+/)
  .filter(Boolean);
/** Started as root, the child runs as this user (the image's own mechanism). */
export const RUN_AS = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : null;

export interface ArrgusProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** The embedded broker's URL, when one was started. */
  readonly mqttUrl: string | undefined;
  /** Every log line so far (stderr). */
  readonly lines: string[];
  /** Resident set size now, and the peak so far (VmHWM), in MB; undefined once the process is gone. */
  rss(): { rssMb: number; peakMb: number } | undefined;
  /** SIGTERM, then waits for the exit (SIGKILL after `ms`). */
  stop(ms?: number): Promise<number | null>;
}

/**
 * Writes `config` to `dir/arrgus.json` and starts `arrgus run` on it; resolves once the HTTP API listens. `dir` (and
 * the folders under it that `open` names) are made usable by the child's user. Config should say `web.port: 0` and,
 * for MQTT, `mqtt.embedded.port: 0`: the ports are read from the log.
 */
export async function startArrgus(
  dir: string,
  config: Record<string, unknown>,
  opts: { open?: string[]; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ArrgusProcess> {
  const file = join(dir, 'arrgus.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  for (const p of [dir, ...(opts.open ?? [])]) chmodSync(p, 0o777);
  chmodSync(file, 0o644);
  const dataDir = String(config.dataDir ?? join(dir, 'data'));
  const child = spawn(process.execPath, [...BIN_FLAGS, BIN, 'run', '--config', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      ARRGUS_ADDON_OPTIONS: join(dir, 'no-options.json'),
      ARRGUS_ADDON_CONFIG_DIR: join(dir, 'no-addon-config'),
      ...(RUN_AS ? { ARRGUS_DROP_TO: `${RUN_AS.uid}:${RUN_AS.gid}`, ARRGUS_DATA_DIR: dataDir } : {}),
      ...opts.env,
    },
  });
  const lines: string[] = [];
  let partial = '';
  const onData = (b: Buffer) => {
    const text = partial + b.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  };
  child.stderr?.on('data', onData);
  child.stdout?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const find = (re: RegExp) => {
    for (const l of lines) {
      const m = re.exec(l);
      if (m) return m;
    }
    return null;
  };
  const end = Date.now() + (opts.timeoutMs ?? 60_000);
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const listening = /HTTP API listening on (http:\/\/[^\s]+?)\.?$/;
  for (;;) {
    if (find(listening)) break;
    if (gone) throw new Error(`arrgus run exited before listening:\n${lines.join('\n')}`);
    if (Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`arrgus run did not listen in time:\n${lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const web = find(listening) as RegExpExecArray;
  const broker = find(/Embedded MQTT broker listening on [^\s:]+:(\d+)/);
  const pid = child.pid as number;
  return {
    child,
    pid,
    base: (web[1] as string).replace('0.0.0.0', '127.0.0.1'),
    mqttUrl: broker ? `mqtt://127.0.0.1:${broker[1]}` : undefined,
    lines,
    rss() {
      let status: string;
      try {
        status = readFileSync(`/proc/${pid}/status`, 'utf8');
      } catch {
        return undefined;
      }
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
      return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
    },
    async stop(ms = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `fn` until it returns something other than undefined; a throw counts as "not yet" (60 s, then fails). */
export function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  return waitUntilValue(what, fn, { ms, every: 50, retryErrors: true });
}
