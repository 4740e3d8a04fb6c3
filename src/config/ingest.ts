/** The `ingest` section: how lines are read and records assembled. */
import { z } from 'zod';
import { duration } from './duration-field.ts';

export const ingestSchema = z
  .strictObject({
    maxLineBytes: z
      .number()
      .int()
      .min(1024)
      .default(65_536)
      .describe('Lines longer than this are truncated with a marker; the rest of the line is skipped, not buffered.'),
    maxRecordLines: z
      .number()
      .int()
      .min(1)
      .default(500)
      .describe('Continuation lines kept per record; more are counted but not kept.'),
    maxRecordBytes: z.number().int().min(1024).default(65_536).describe('Bytes of text kept per record.'),
    idleFlush: duration('1s').describe('A record whose next line has not arrived after this long is emitted.'),
    checkpointInterval: duration('200ms').describe(
      'How often records and follow positions are stored (together, in one transaction).',
    ),
    rescanInterval: duration('30s').describe('How often sources are re-scanned for new files when events are missed.'),
  })
  .describe('Ingestion.');
