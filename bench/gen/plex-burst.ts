/**
 * A live burst: Plex ERROR lines of every ERROR kind of plex-problems.ts, stamped with the current time (live windows
 * and rates count them as they would a real outage), with the ids, paths, hosts and users varying as they do there.
 */

import { plexStamp } from '../../test/helpers/log-lines.ts';
import { PLEX_PROBLEMS, type ProblemKind } from './plex-problems.ts';
import { Random } from './random.ts';

const USERS = ['alice', 'bob_the_builder', 'Grandma Jo', 'kids', 'mike.r', 'sarah88'];
const DEVICES = ['Living Room TV', 'iPhone', 'SHIELD Android TV', 'Chrome', 'Roku Ultra'];
const TITLES = ['Blade Runner 2049 (2017)', 'Breaking Bad - S04E13 - Face Off', 'Spirited Away (2001)'];
const DIRS = ['/data/Movies', '/mnt/media/TV Shows', '/srv/nas/4K Movies'];
const HOSTS = ['plex.tv', 'metadata.provider.plex.tv', 'clients.plex.tv'];
const THREADS = ['0x7f70a5bfe700', '0x7f70b1c93800', '0x7f70913fa700'];

type Vars = Parameters<ProblemKind['text']>[1];

/** `count` ERROR lines (one record each), newline-terminated, as one string to append at once. */
export function plexErrorBurst(count: number, seed: number, now = Date.now()): string {
  const r = new Random(seed);
  const kinds = PLEX_PROBLEMS.filter((k) => k.level === 'ERROR');
  const vars = (): Vars => {
    const title = r.pick(TITLES);
    return {
      req: r.hex(r.pick([3, 4])),
      ip: `192.168.${r.int(3)}.${1 + r.int(254)}`,
      file: `${r.pick(DIRS)}/${title.replace(/ - S\d+E\d+.*/, '')}/${title}.${r.pick(['mkv', 'mp4'])}`,
      title,
      user: r.pick(USERS),
      device: r.pick(DEVICES),
      host: r.pick(HOSTS),
    };
  };
  const out: string[] = [];
  const stamp = plexStamp(now);
  for (let i = 0; i < count; i++) {
    const k = r.pick(kinds);
    out.push(`${stamp} [${r.pick(THREADS)}] ERROR - ${k.text(r, vars())}`);
  }
  return `${out.join('\n')}\n`;
}
