/**
 * `arrgus ai-preview ISSUE [--json]`: prints the exact text an analysis of ISSUE would send to the configured model
 * (system prompt, then the redacted context), read from the saved state in dataDir. Nothing is sent and nothing is
 * written. ISSUE is an issue id or an unambiguous start of one. Source health comes from the running service only,
 * so the offline preview leaves it out.
 */
import type { Config } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import { createLogger } from '../core/logger.ts';
import type { Incident, Issue } from '../core/types.ts';
import type { SavedState } from '../detect/detector-state.ts';
import { StateStore } from '../store/state.ts';
import { AiService } from './service.ts';

export interface PreviewIo {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
  clock: Clock;
}

export async function aiPreviewCommand(
  config: Config,
  wanted: string | undefined,
  json: boolean,
  io: PreviewIo,
): Promise<number> {
  if (!wanted) {
    io.err.write('arrgus ai-preview: which issue? Give its id (or the start of it).\n');
    return 2;
  }
  const logger = createLogger('arrgus', { level: 'warn' });
  const state = new StateStore({ dir: config.dataDir, logger, clock: io.clock });
  await state.load();
  // Read only: the section is registered to read it back, and the store is never flushed.
  const saved = state.register<SavedState>('detect', { version: 1, snapshot: () => ({}) as SavedState });
  const issues: Issue[] = saved?.issues ?? [];
  const incidents: Incident[] = saved?.incidents?.incidents ?? [];
  const matches = issues.filter((i) => i.id === wanted || i.id.startsWith(wanted));
  const exact = matches.find((i) => i.id === wanted);
  if (!exact && matches.length !== 1) {
    io.err.write(
      matches.length
        ? `arrgus ai-preview: "${wanted}" matches ${matches.length} issues; give more of the id.\n`
        : `arrgus ai-preview: no issue "${wanted}" in ${state.file} (${issues.length} issues saved).\n`,
    );
    return 1;
  }
  const issue = exact ?? (matches[0] as Issue);
  const byId = new Map(issues.map((i) => [i.id, i]));
  const ai = new AiService({
    config: config.ai,
    salt: config.instanceId ?? 'arrgus',
    clock: io.clock,
    logger,
    issues: { get: (id) => byId.get(id), incidents: () => incidents },
  });
  const p = await ai.preview(issue.id);
  if (!p) return 1;
  if (json) {
    io.out.write(`${JSON.stringify(p, null, 2)}\n`);
    return 0;
  }
  io.out.write(
    `# ${p.provider} ${p.model} at ${p.url}${config.ai.enabled ? '' : ' (ai.enabled is false: nothing is sent until it is set)'}\n` +
      `# ${p.system.length + p.user.length} characters; the API key (if any) travels in a header, never in the text.\n\n` +
      `----- system -----\n${p.system}\n\n----- user -----\n${p.user}\n`,
  );
  return 0;
}
