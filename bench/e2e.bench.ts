/**
 * End to end, the whole service as `arrgus run` builds it (`new Service(config)` from src/main.ts) with the embedded
 * aedes broker on a free loopback port, a data dir and a followed Plex log in a temp dir, and a separate mqtt.js
 * subscriber on `arrgus/plex/event`. Issue 4's target: a log line appended → its MQTT event received, p99 < 100 ms.
 *
 * 1) Latency. ERROR lines are appended at a steady rate, each with a message template of its own (distinct words:
 *    fingerprinting folds numbers, so numbered copies of one message would be a single issue), so each line opens a new
 *    issue and yields one `opened` event. A record is complete only when the next line arrives (or after
 *    `ingest.idleFlush`), so three rows are printed:
 *      append → event        lines that have a successor: what a user sees in a steady stream (includes the wait
 *                            for the next line, 1/rate);
 *      next append → event   the same events timed from the successor's append: the service's own pipeline
 *                            (tail read → assemble → detect → bus → MQTT → broker → subscriber);
 *      idle flush            isolated lines with no successor: the wait is `ingest.idleFlush` (default 1 s).
 *    The MQTT event rate limits (`mqtt.eventBurst`, `mqtt.eventsPerMinute`) are lifted: they are not what is measured.
 * 2) Throughput. A fresh live service with the default configuration; 200,000 realistic Plex lines (the generator's
 *    mix, tracebacks included) appended as fast as the writer can, timed until every record is stored in SQLite.
 *
 * Writer and service share one process and event loop, as in bench/tail-latency.bench.ts.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep, setImmediate as yieldLoop } from 'node:timers/promises';
import mqtt from 'mqtt';
import { validateConfig } from '../src/config/load.ts';
import type { ConfigInput } from '../src/config/schema.ts';
import { memoryLogger } from '../src/core/logger.ts';
import { Service } from '../src/main.ts';
import { plexLine } from '../test/helpers/log-lines.ts';
import { plexGenerator } from './gen/plex.ts';

const RATE = Number(process.env.BENCH_E2E_RATE ?? 20);
const LINES = Number(process.env.BENCH_E2E_LINES ?? 300);
const IDLE_PROBES = Number(process.env.BENCH_E2E_IDLE ?? 5);
const THROUGHPUT_LINES = Number(process.env.BENCH_E2E_THROUGHPUT ?? 200_000);

/** Distinct words per line: the tag survives normalisation, so line i gets an issue of its own. */
const WORDS =
  'alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(
    ' ',
  );
function tag(i: number): string {
  const w = (n: number) => WORDS[n % WORDS.length] as string;
  return `${w(Math.floor(i / WORDS.length ** 2))} ${w(Math.floor(i / WORDS.length))} ${w(i)}`;
}
const TAG_IN_TITLE = /probe ([a-z]+ [a-z]+ [a-z]+) /;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function waitUntil(what: string, fn: () => boolean, ms: number, every = 5): Promise<void> {
  const end = performance.now() + ms;
  while (!fn()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

/** What is still open (services, clients): closed at the end even when a measurement throws, so the process exits. */
const open = new Set<() => Promise<void>>();

interface Live {
  service: Service;
  logFile: string;
  logs: string[];
  close(): Promise<void>;
}

/** Boots the service on a temp dir with one followed Plex log, and waits until the file is followed. */
async function boot(name: string, extra: Partial<ConfigInput> = {}): Promise<Live> {
  const dir = mkdtempSync(join(tmpdir(), `arrgus-bench-${name}-`));
  const logDir = join(dir, 'plex-logs');
  const logFile = join(logDir, 'Plex Media Server.log');
  mkdirSync(logDir);
  writeFileSync(logFile, plexLine(Date.now(), 'INFO', 'Plex Media Server v1.41.5.9522 - Docker - GMT 00:00'));
  const config = validateConfig({
    dataDir: join(dir, 'data'),
    instanceId: 'bench',
    web: { enabled: false },
    sources: [{ name: 'plex', app: 'plex', path: logDir, timezone: 'UTC' }],
    ...extra,
    mqtt: { embedded: { port: 0 }, ...extra.mqtt },
  });
  // WARN and above are kept and printed at the end: a bench that hid the service's complaints would mislead.
  const logger = memoryLogger('warn');
  const service = new Service(config, { logger, supervisor: null });
  const close = async (): Promise<void> => {
    open.delete(close);
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  open.add(close);
  await service.start();
  await service.mqtt.mqtt?.waitConnected(5000);
  await waitUntil('the Plex log to be followed', () => Boolean(service.ingestion.followed()[0]?.files.length), 10_000);
  return {
    service,
    logFile,
    logs: logger.lines,
    close,
  };
}

function row(label: string, xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1).padStart(8);
  return `| ${label.padEnd(22)} | ${f(pct(s, 50))} | ${f(pct(s, 95))} | ${f(pct(s, 99))} | ${f(s.at(-1) ?? Number.NaN)} | ${String(s.length).padStart(5)} |`;
}

async function latency(): Promise<string[]> {
  const live = await boot('e2e', { mqtt: { eventBurst: 100_000, eventsPerMinute: 1_000_000 } });
  const port = live.service.mqtt.embeddedPort;
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'bench-e2e-subscriber' });
  const endClient = async (): Promise<void> => {
    open.delete(endClient);
    await client.endAsync();
  };
  open.add(endClient);
  const appendedAt = new Map<string, number>();
  const received = new Map<string, number>();
  let strays = 0;
  client.on('message', (_topic, payload) => {
    const at = performance.now();
    const e = JSON.parse(payload.toString()) as { event_type: string; subject?: string; title: string };
    if (e.event_type !== 'opened' || e.subject !== 'issue') return;
    const t = TAG_IN_TITLE.exec(e.title)?.[1];
    if (t && appendedAt.has(t) && !received.has(t)) received.set(t, at);
    else strays++;
  });
  await client.subscribeAsync('arrgus/plex/event');

  const probe = (i: number): string => {
    const t = tag(i);
    appendedAt.set(t, performance.now());
    appendFileSync(live.logFile, plexLine(Date.now(), 'ERROR', `Bench probe ${t} could not reach the transcoder`));
    return t;
  };

  // Steady stream: line i is due at start + i / RATE; every line but the last has a successor.
  const order: string[] = [];
  const start = performance.now();
  for (let i = 0; i < LINES; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    order.push(probe(i));
  }
  await waitUntil('the steady stream’s events', () => order.every((t) => received.has(t)), 15_000, 20);
  const withNext: number[] = [];
  const fromNext: number[] = [];
  for (let i = 0; i + 1 < order.length; i++) {
    const t = order[i] as string;
    const got = received.get(t) as number;
    withNext.push(got - (appendedAt.get(t) as number));
    fromNext.push(got - (appendedAt.get(order[i + 1] as string) as number));
  }
  const last = order.at(-1) as string;
  const idle: number[] = [(received.get(last) as number) - (appendedAt.get(last) as number)];

  // Isolated lines: each waits for the idle flush, so they go one at a time.
  for (let k = 0; k < IDLE_PROBES - 1; k++) {
    await sleep(100);
    const t = probe(LINES + k);
    await waitUntil('an idle-flushed event', () => received.has(t), 10_000, 2);
    idle.push((received.get(t) as number) - (appendedAt.get(t) as number));
  }
  await endClient();
  const warnings = live.logs;
  await live.close();
  const idleFlush = live.service.ctx.config.ingest.idleFlush;
  return [
    `Latency: ${LINES} ERROR lines at ${RATE}/s, one new issue each, embedded broker, ms from append to the \`opened\` event at an mqtt.js subscriber`,
    '',
    '| measured               |      p50 |      p95 |      p99 |      max | count |',
    '|------------------------|---------:|---------:|---------:|---------:|------:|',
    row('append → event', withNext),
    row('next append → event', fromNext),
    row(`idle flush (${idleFlush} ms)`, idle),
    '',
    `(${received.size}/${appendedAt.size} events received${strays ? `, ${strays} unexpected` : ''}; the successor arrives 1/rate = ${(1000 / RATE).toFixed(0)} ms after each line)`,
    ...warnings.map((l) => `service said: ${l}`),
  ];
}

async function throughput(): Promise<string[]> {
  const live = await boot('throughput');
  const store = live.service.ingestion.records;
  const before = store.count();
  const gen = plexGenerator(7);
  let lines = 0;
  let records = 0;
  const CHUNK = 2000;
  const t0 = performance.now();
  while (lines < THROUGHPUT_LINES) {
    const chunk: string[] = [];
    let n = 0;
    while (n < CHUNK && lines + n < THROUGHPUT_LINES) {
      const rec = gen.next();
      chunk.push(rec);
      n += rec.split('\n').length;
      records++;
    }
    lines += n;
    appendFileSync(live.logFile, `${chunk.join('\n')}\n`);
    // Let the service read between chunks, as it would with a writer in another process.
    await yieldLoop();
  }
  // One more line completes the last record at once; without it the timing would include \`ingest.idleFlush\`.
  appendFileSync(live.logFile, plexLine(Date.now(), 'INFO', 'Bench throughput: end of input'));
  const written = performance.now() - t0;
  // A followed file is read from its end at start-up: the header line written before is not a record.
  const want = before + records;
  await waitUntil('every record to be stored', () => store.count() >= want, 120_000, 50);
  const total = performance.now() - t0;
  const rss = process.resourceUsage().maxRSS / 1024;
  const warnings = live.logs;
  await live.close();
  return [
    `Throughput: ${lines.toLocaleString('en')} Plex lines (${records.toLocaleString('en')} records) appended in ${written.toFixed(0)} ms; all stored after ${total.toFixed(0)} ms`,
    `  → ${Math.round(lines / (total / 1000)).toLocaleString('en')} lines/s, ${Math.round(records / (total / 1000)).toLocaleString('en')} records/s (default config, embedded broker; peak RSS of the bench process ${rss.toFixed(0)} MiB)`,
    ...warnings.map((l) => `service said: ${l}`),
  ];
}

const cpu = cpus();
console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown cpu'}, node ${process.version}`);
try {
  for (const line of await latency()) console.log(line);
  console.log('');
  for (const line of await throughput()) console.log(line);
} finally {
  for (const close of [...open].reverse()) await close();
}
