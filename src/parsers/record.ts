import type { Level, LogRecord } from '../core/types.ts';

/**
 * A record as the assembler builds it: plain data (no methods), made by a constructor rather than a literal so that V8 reserves
 * room in the object for the optional fields set after it (logger, thread, file, offset, …): a literal's object has
 * room for its own fields only, and each record then also allocated a separate store for the rest.
 */
export class BuiltRecord implements LogRecord {
  time: number;
  timeExact: boolean;
  level: Level;
  app: string;
  source: string;
  message: string;
  raw: string;
  lines: number;
  constructor(
    time: number,
    timeExact: boolean,
    level: Level,
    app: string,
    source: string,
    message: string,
    raw: string,
    lines: number,
  ) {
    this.time = time;
    this.timeExact = timeExact;
    this.level = level;
    this.app = app;
    this.source = source;
    this.message = message;
    this.raw = raw;
    this.lines = lines;
  }
}
