/**
 * What `/metrics` reports. Counters that only the event stream knows (records and lines by source and level, alerts
 * fired) are kept here from the bus; everything else is read at scrape time from the components that own it
 * (source stats, open issues, notification queues, the store's files, tail positions, the MQTT connection).
 */
import { statSync } from 'node:fs';
import type { Component, CoreContext } from '../core/context.ts';
import type { Issue } from '../core/types.ts';
import type { MetricFamily } from './exposition.ts';

export interface MetricsSources {
  stats(): Array<{ source: string; app: string; parseFailures: number; lastRecordAt: number | null; files: string[] }>;
  openIssues(): Issue[];
  activeAlerts(): number;
  notifiers(): Array<{ name: string; type: string; healthy: boolean; queued: number; dropped: number; failed: number }>;
  /** Outbox rows per target and status (`sent`, `failed`, `dropped`, `pending`, `held`). */
  deliveries(target: string, status: string): number;
  /** Files whose sizes make up the store (the database and its WAL). */
  storeFiles(): string[];
  /** Bytes written to followed files but not read yet, per source. */
  tailLag(): Array<{ source: string; bytes: number }>;
  mqttConnected(): boolean | null;
  startedAt: number;
}

const DELIVERY_STATUSES = ['sent', 'failed', 'dropped'] as const;

export class MetricsCollector implements Component {
  readonly name = 'metrics';
  private readonly ctx: CoreContext;
  private readonly src: MetricsSources;
  /** `source\0level` → [records, lines]. */
  private readonly records = new Map<string, [number, number]>();
  private readonly alerts = new Map<string, number>();
  /** The counter of the last record's source and level (entries of `records` are never removed). */
  private last: [number, number] | null = null;
  private lastSource = '';
  private lastLevel = '';
  private readonly offs: Array<() => void> = [];

  constructor(ctx: CoreContext, sources: MetricsSources) {
    this.ctx = ctx;
    this.src = sources;
  }

  start(): void {
    const bus = this.ctx.bus;
    this.offs.push(
      // The hot path's listener: one map update per record.
      bus.on('record', 'metrics', (r) => {
        // Records come in runs of one source and level: the run's counter is looked up once.
        let c = this.last;
        if (c === null || r.source !== this.lastSource || r.level !== this.lastLevel) {
          const key = `${r.source}\u0000${r.level}`;
          c = this.records.get(key) ?? null;
          if (c === null) {
            c = [0, 0];
            this.records.set(key, c);
          }
          this.last = c;
          this.lastSource = r.source;
          this.lastLevel = r.level;
        }
        c[0]++;
        c[1] += r.lines;
      }),
      bus.on('alert', 'metrics', (e) => {
        if (e.kind === 'fired') this.alerts.set(e.alert.severity, (this.alerts.get(e.alert.severity) ?? 0) + 1);
      }),
    );
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
  }

  collect(): MetricFamily[] {
    const now = this.ctx.clock.now();
    const split = (k: string) => k.split('\u0000') as [string, string];
    const stats = this.src.stats();
    const openBy = new Map<string, number>();
    for (const i of this.src.openIssues()) {
      const k = `${i.category}\u0000${i.severity}`;
      openBy.set(k, (openBy.get(k) ?? 0) + 1);
    }
    const notifiers = this.src.notifiers();
    let storeBytes = 0;
    for (const f of this.src.storeFiles()) storeBytes += statSync(f, { throwIfNoEntry: false })?.size ?? 0;
    const mqtt = this.src.mqttConnected();
    return [
      gauge('arrgus_build_info', 'Arrgus version (always 1).', [
        { labels: { version: this.ctx.version, instance_id: this.ctx.instanceId }, value: 1 },
      ]),
      gauge('arrgus_start_time_seconds', 'When this Arrgus process started (Unix time).', [
        { value: this.src.startedAt / 1000 },
      ]),
      counter(
        'arrgus_lines_read_total',
        'Log lines read, by source and level of the record they belong to.',
        [...this.records].map(([k, v]) => ({ labels: { source: split(k)[0], level: split(k)[1] }, value: v[1] })),
      ),
      counter(
        'arrgus_records_total',
        'Log records parsed, by source and level.',
        [...this.records].map(([k, v]) => ({ labels: { source: split(k)[0], level: split(k)[1] }, value: v[0] })),
      ),
      counter(
        'arrgus_parse_failures_total',
        'Lines that could not be read as records, by source.',
        stats.map((s) => ({ labels: { source: s.source, app: s.app }, value: s.parseFailures })),
      ),
      gauge(
        'arrgus_source_files',
        'Files followed now, by source.',
        stats.map((s) => ({ labels: { source: s.source, app: s.app }, value: s.files.length })),
      ),
      gauge(
        'arrgus_source_last_record_age_seconds',
        'Seconds since the last record of each source (absent before the first).',
        stats
          .filter((s) => s.lastRecordAt !== null)
          .map((s) => ({
            labels: { source: s.source, app: s.app },
            value: Math.max(0, (now - (s.lastRecordAt as number)) / 1000),
          })),
      ),
      gauge(
        'arrgus_tail_lag_bytes',
        'Bytes written to followed files and not read yet, by source.',
        this.src.tailLag().map((t) => ({ labels: { source: t.source }, value: t.bytes })),
      ),
      gauge(
        'arrgus_issues_open',
        'Open or acknowledged issues, by category and severity.',
        [...openBy].map(([k, v]) => ({ labels: { category: split(k)[0], severity: split(k)[1] }, value: v })),
      ),
      gauge('arrgus_alerts_active', 'Alerts active now.', [{ value: this.src.activeAlerts() }]),
      counter(
        'arrgus_alerts_fired_total',
        'Alerts fired since start, by severity.',
        [...this.alerts].map(([severity, value]) => ({ labels: { severity }, value })),
      ),
      gauge(
        'arrgus_notify_deliveries',
        'Notifications in the outbox by target and outcome (finished rows are pruned after a while).',
        notifiers.flatMap((n) =>
          DELIVERY_STATUSES.map((status) => ({
            labels: { target: n.name, type: n.type, outcome: status },
            value: this.src.deliveries(n.name, status),
          })),
        ),
      ),
      gauge(
        'arrgus_notify_queue_depth',
        'Notifications waiting to be delivered, by target.',
        notifiers.map((n) => ({ labels: { target: n.name, type: n.type }, value: n.queued })),
      ),
      gauge(
        'arrgus_notify_target_healthy',
        '1 when the last deliveries to the target succeeded, else 0.',
        notifiers.map((n) => ({ labels: { target: n.name, type: n.type }, value: n.healthy ? 1 : 0 })),
      ),
      gauge('arrgus_store_size_bytes', 'Size of the record store on disk (database and write-ahead log).', [
        { value: storeBytes },
      ]),
      gauge(
        'arrgus_mqtt_connected',
        '1 when connected to the MQTT broker, 0 when not (absent when MQTT is off).',
        mqtt === null ? [] : [{ value: mqtt ? 1 : 0 }],
      ),
    ];
  }
}

function gauge(name: string, help: string, samples: MetricFamily['samples']): MetricFamily {
  return { name, help, type: 'gauge', samples };
}

function counter(name: string, help: string, samples: MetricFamily['samples']): MetricFamily {
  return { name, help, type: 'counter', samples };
}
