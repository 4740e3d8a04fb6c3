/**
 * Arrgus's own log. Lines are sentences, namespaced (`notify:ntfy`), with structured fields beside the text and every
 * secret redacted (house rule 7). Output goes to stderr: one line per entry, human text by default, JSON when asked.
 */
import { redact, redactDeep } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(namespace: string): Logger;
}

export interface LogSink {
  write(line: string): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'text' | 'json';
  sink?: LogSink;
  /** Injected clock for the timestamp; the logger is the one place allowed a wall clock default. */
  now?: () => number;
}

const stderrSink: LogSink = { write: (line) => process.stderr.write(`${line}\n`) };

export function createLogger(namespace = 'arrgus', opts: LoggerOptions = {}): Logger {
  const min = RANK[opts.level ?? 'info'];
  const sink = opts.sink ?? stderrSink;
  const format = opts.format ?? 'text';
  const now = opts.now ?? Date.now;
  const emit = (level: LogLevel, msg: string, fields?: Fields): void => {
    if (RANK[level] < min) return;
    const time = new Date(now()).toISOString();
    const safeFields = fields ? (redactDeep(serialiseErrors(fields)) as Fields) : undefined;
    if (format === 'json') {
      sink.write(JSON.stringify({ time, level, ns: namespace, msg: redact(msg), ...safeFields }));
      return;
    }
    const extra = safeFields && Object.keys(safeFields).length ? ` ${JSON.stringify(safeFields)}` : '';
    sink.write(`${time} ${level.toUpperCase().padEnd(5)} [${namespace}] ${redact(msg)}${extra}`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (ns) => createLogger(`${namespace}:${ns}`, opts),
  };
}

function serialiseErrors(fields: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v instanceof Error ? v.message : v;
  return out;
}

/** A logger that keeps entries in memory: for tests that assert what was (or was not) logged. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('arrgus', { level, sink: { write: (l) => lines.push(l) }, now: () => 0 });
  return Object.assign(logger, { lines });
}

export const silentLogger: Logger = createLogger('arrgus', { sink: { write: () => {} } });
