/**
 * Tables of the log store. One row per record, strings that repeat (sources, apps, loggers, issue ids, files,
 * exception types, message and prefix templates) as ids into `dict`, the text rebuilt on read (log-encode.ts), and a
 * contentless FTS5 index over message, exception and logger, so the text is not kept twice. Row ids grow in the
 * order records are stored: listing by id is listing by arrival, which for live tailing is time order.
 */
import { type Database, migrate } from './db.ts';
import { ARG, renderTime } from './log-encode.ts';

export const DICT = {
  source: 1,
  app: 2,
  logger: 3,
  issue: 4,
  template: 5,
  prefix: 6,
  file: 7,
  exception: 8,
} as const;
export type DictKind = (typeof DICT)[keyof typeof DICT];

/** `pre` value meaning: `pretext` is the whole raw text (it does not hold the message as parsed). */
export const RAW_AS_IS = 0;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE dict (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, value TEXT NOT NULL);
   CREATE UNIQUE INDEX dict_value ON dict (kind, value);
   CREATE TABLE logs (
     id INTEGER PRIMARY KEY,
     time INTEGER NOT NULL,
     level INTEGER NOT NULL,
     source INTEGER NOT NULL,
     app INTEGER NOT NULL,
     logger INTEGER,
     issue INTEGER,
     tmpl INTEGER,
     args TEXT NOT NULL,
     pre INTEGER,
     pretext TEXT,
     tail TEXT,
     file INTEGER,
     offset INTEGER,
     lines INTEGER NOT NULL,
     exc INTEGER,
     excmsg TEXT,
     extras TEXT
   );
   CREATE INDEX logs_source ON logs (source, id);
   CREATE INDEX logs_issue ON logs (issue, time) WHERE issue IS NOT NULL;
   CREATE VIRTUAL TABLE logs_fts USING fts5(message, exception, logger, content='', contentless_delete=1);`,
];

/** After the rows of the old `records` table moved into `logs` (see RecordStore.migrate): the view takes its name. */
const VIEW_MIGRATIONS: readonly string[] = [
  `DROP TABLE IF EXISTS records;
   CREATE VIEW records AS
     SELECT l.id, l.time,
       CASE l.level WHEN 0 THEN 'trace' WHEN 1 THEN 'debug' WHEN 2 THEN 'info' WHEN 3 THEN 'warn' WHEN 4 THEN 'error' ELSE 'fatal' END AS level,
       (SELECT value FROM dict WHERE id = l.app) AS app,
       (SELECT value FROM dict WHERE id = l.source) AS source,
       (SELECT value FROM dict WHERE id = l.logger) AS logger,
       arrgus_message((SELECT value FROM dict WHERE id = l.tmpl), l.args) AS message,
       l.offset, l.lines
     FROM logs l;`,
];

export function migrateLogs(db: Database): void {
  migrate(db, 'logs', MIGRATIONS);
}

/** Whether the table of the first store (before FTS) is still there, with rows to move. */
export function hasOldRecordsTable(db: Database): boolean {
  const row = db.prepare("SELECT type FROM sqlite_master WHERE name = 'records'").get() as { type: string } | undefined;
  return row?.type === 'table';
}

export function migrateLogsView(db: Database): void {
  migrate(db, 'logs-view', VIEW_MIGRATIONS);
}

export { ARG, renderTime };
