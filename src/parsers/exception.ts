/**
 * Exception extraction shared by the .NET apps (Jellyfin, Emby, the *arr family) and the Python ones (Bazarr,
 * Tautulli, SABnzbd, Plex agents). Works on a record's continuation lines; never on the header's message alone.
 */
import type { LogRecord, RecordException } from '../core/types.ts';

/**
 * `[v3.0.1.411] NzbDrone.Core.X.SomeException: message`, `System.IO.IOException: ...`, ` ---> Inner: ...`,
 * `SocketException (111): msg` / `SqliteException (0x80004005): msg` (errno or HRESULT after the type), and Jellyfin's
 * wrapped `IOError: SQLitePCL.pretty.SQLiteException: msg` (the inner type wins).
 */
const DOTNET_TYPE =
  /^\s*(?:\[v\d+(?:\.\d+){1,3}\]\s*)?(?:---> )?(?:[A-Z][A-Za-z]*Error: )?((?:[A-Za-z_][\w`]*\.)*[A-Za-z_][\w`]*(?:Exception|Error))(?: \((?:0x[0-9A-Fa-f]+|-?\d+)\))?(?::\s?(.*))?$/;
const FRAME = /^\s*(?:at |---|<0x|in <filename unknown>)/;

/**
 * Finds the first .NET exception line among the record's lines (header included when `includeHeader`), and keeps
 * what follows as the stack.
 */
export function extractDotNetException(rec: LogRecord, includeHeader = false): RecordException | undefined {
  const lines = rec.raw.split('\n');
  for (let i = includeHeader ? 0 : 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (FRAME.test(line)) continue;
    const m = DOTNET_TYPE.exec(line);
    if (!m) continue;
    const type = m[1] as string;
    let message = (m[2] ?? '').trim();
    // Emby doubles the type: `System.IO.IOException: System.IO.IOException: msg`.
    if (message.startsWith(`${type}: `)) message = message.slice(type.length + 2);
    const ex: RecordException = { type, message };
    const stack = lines
      .slice(i + 1)
      .filter((l) => l.trim() !== '')
      .join('\n');
    if (stack) ex.stack = stack;
    return ex;
  }
  return undefined;
}

/** A Python traceback's exception is its last `Type: message` line. */
export function extractPythonException(rec: LogRecord): RecordException | undefined {
  const lines = rec.raw.split('\n');
  const tb = lines.findIndex((l) => l.includes('Traceback (most recent call last)'));
  if (tb === -1) return undefined;
  for (let i = lines.length - 1; i > tb; i--) {
    const m = /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)):?\s?(.*)$/.exec(
      (lines[i] as string).trim(),
    );
    if (m) {
      return { type: m[1] as string, message: m[2] as string, stack: lines.slice(tb + 1, i).join('\n') };
    }
  }
  return undefined;
}
