/** Database rules: locked, corrupt, slow or held transactions (SQLite everywhere in the stack). */
import type { RuleDefinition } from './types.ts';

export const DATABASE_RULES: readonly RuleDefinition[] = [
  {
    id: 'database.io-error',
    strength: 'cause',
    // "disk I/O error" is SQLite's wording of SQLITE_IOERR: the database is what broke for the user (taxonomy.ts).
    text: /SQLITE_IOERR|SQLite Error 10\b|code = IoErr \(10\)|(?:sqlite|database)[^\n]{0,80}disk I\/O error|disk I\/O error[^\n]{0,80}(?:sqlite|database)/i,
    category: 'database',
    severity: 'critical',
    title: '{app}: the database cannot be read or written (disk I/O error)',
    group: 'rule',
    hint: "Check the disk and file system that hold the app's database; restore a backup if it is damaged.",
  },
  {
    id: 'database.io-error-exception',
    strength: 'cause',
    // The same, told by a SQLite exception whose message is SQLite's own "disk I/O error".
    exceptionType: /sqlite/i,
    exceptionMessage: /disk I\/O error/i,
    category: 'database',
    severity: 'critical',
    title: '{app}: the database cannot be read or written (disk I/O error)',
    group: 'rule',
  },
  {
    id: 'database.locked',
    strength: 'cause',
    text: /database is locked|SQLite Error 5\b|code = Busy \(5\)|SQLITE_BUSY/i,
    category: 'database',
    severity: 'high',
    title: '{app} database is locked',
    hint: 'Another process (a second instance, a backup, a network file system) holds the SQLite file.',
    group: 'rule',
  },
  {
    id: 'database.corrupt',
    strength: 'cause',
    text: /database disk image is malformed|database corruption at line|SQLITE_CORRUPT|file is not a database|SQLite Error 11\b/i,
    category: 'database',
    severity: 'critical',
    title: '{app} database is corrupt',
    group: 'rule',
    hint: 'Stop the app, back up the database and repair it (Plex: DBRepair; *arr: sqlite3 .recover).',
  },
  {
    id: 'database.held-transaction',
    apps: ['plex'],
    message: /Held transaction for too long \([^)]*\): ([\d.]+) seconds/,
    category: 'database',
    severity: 'medium',
    title: 'Plex held a database transaction too long',
    group: 'rule',
    hint: 'Slow storage under the Plex database, or a long scan or migration.',
  },
  {
    id: 'database.slow-transaction',
    apps: ['plex'],
    message: /Took too long \(([\d.]+) seconds\) to start a transaction/,
    category: 'database',
    severity: 'medium',
    title: 'Plex waits too long for its database',
    group: 'rule',
  },
];
