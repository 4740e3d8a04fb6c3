/**
 * The affected entities of an issue as people read them: the most frequent values of each kind, with counts. One
 * place for notifications, MQTT attributes and the API to agree on the shape. User names are personal: callers that
 * publish beyond Arrgus (MQTT recorder history) leave them out unless told otherwise.
 */
import type { EntityKind, Issue } from './types.ts';

/** `{ file: ['/tv/x.mkv (12)', …], host: […] }`, at most `perKind` values each, kinds in `exclude` left out. */
export function topEntities(
  issue: Pick<Issue, 'entities'>,
  perKind = 3,
  exclude: readonly EntityKind[] = [],
): Partial<Record<EntityKind, string[]>> {
  const out: Partial<Record<EntityKind, string[]>> = {};
  for (const [kind, list] of Object.entries(issue.entities ?? {}) as Array<
    [EntityKind, Array<{ value: string; count: number }>]
  >) {
    if (exclude.includes(kind) || !list?.length) continue;
    out[kind] = list.slice(0, perKind).map((e) => `${e.value} (${e.count})`);
  }
  return out;
}

/** One line: `file: /tv/x.mkv (12), /tv/y.mkv (3); host: plex.tv (4)`, or '' when the issue has none. */
export function entitiesLine(issue: Pick<Issue, 'entities'>, perKind = 3, exclude: readonly EntityKind[] = []): string {
  return Object.entries(topEntities(issue, perKind, exclude))
    .map(([kind, values]) => `${kind}: ${values.join(', ')}`)
    .join('; ');
}
