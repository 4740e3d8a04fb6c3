/** Log lines as the apps write them, for tests and benches that append to a followed log. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Plex's own stamp (`Dec 02, 2026 12:43:09.784`), in UTC (the sources that read these say `timezone: UTC`). */
export function plexStamp(t: number | Date): string {
  const d = new Date(t);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** One line of `Plex Media Server.log`, newline-terminated. */
export function plexLine(d: Date | number, level: string, msg: string): string {
  return `${plexStamp(d)} [0x7f4578f0fb38] ${level} - ${msg}\n`;
}
