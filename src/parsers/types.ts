/**
 * The contract every log format implements. A format only recognises header lines and, once a record is complete,
 * enriches it; joining continuation lines, envelopes, caps and orphans are the assembler's job (assembler.ts), the
 * same for every app.
 */
import type { Level, LogRecord } from '../core/types.ts';
import type { Zone } from './time.ts';

/** What a header line says. */
export interface Header {
  /** Epoch ms, or null when the header has no full date (time of day only). */
  time: number | null;
  /** For time-of-day-only headers: milliseconds since local midnight, so a date can be supplied from elsewhere. */
  timeOfDay?: number;
  level: Level;
  logger?: string;
  thread?: string;
  message: string;
  /** When the format serves several apps and the line says which (rare). */
  app?: string;
  /**
   * The line carries no level (a bare timestamp, a copied table row): `level` is a placeholder and the assembler
   * levels the complete record by its content instead (a dump is an error, a crash fatal, anything else info).
   */
  unlevelled?: boolean;
}

/** Per-stream state a format may read and update (for example Plex's banner announcing the zone). */
export interface ParseContext {
  /** Zone for wall-clock times: the configured one, else announced, else the process's. */
  zone: Zone;
  /** True when the zone was configured explicitly (then a log's own announcement does not override it). */
  zoneExplicit: boolean;
  /** Apply a zone the log announced (Plex banner `GMT -05:00`), unless one was configured. */
  announceZone(zone: Zone): void;
  /**
   * Records below this level rank (LEVEL_RANK) may skip the details a format reads from the message (component,
   * correlation ids, an exception in the body): nobody looks at them (a replay that prints only its summary, whose
   * detection reads nothing below it). Unset: every record gets them.
   */
  detailsFrom?: number;
}

export interface FormatParser {
  /** Format family id: `plex`, `jellyfin`, `nlog`, … */
  readonly id: string;
  /** Apps this format reads; the first is the default app of its records. */
  readonly apps: readonly string[];
  /** Reads a line (envelope already stripped) as a record header, or returns null for a continuation line. */
  header(line: string, ctx: ParseContext): Header | null;
  /** Enriches a complete record: exception type/message/stack, correlation fields, announced zone. No I/O. */
  finish?(record: LogRecord, ctx: ParseContext): void;
}
