/** SQL functions the log store's `records` view needs; openDatabase registers them on every connection. */
import type { DatabaseSync } from 'node:sqlite';
import { unmask } from './log-encode.ts';

export function registerLogFunctions(db: DatabaseSync): void {
  db.function('arrgus_message', { deterministic: true }, (tmpl, args) =>
    typeof tmpl === 'string' ? unmask(tmpl, String(args)) : String(args),
  );
}
