/**
 * External checkers some tests run (the Supervisor's validation code, promtool). `.ci/run` installs them and sets
 * `REQUIRE_TEST_TOOLS=1`, so in CI a missing tool fails the test; on a developer machine the test is skipped and
 * says what to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const requireTools = process.env.REQUIRE_TEST_TOOLS === '1';

/** The Supervisor checker (shared/ha/supervisor-check/check.py beside the repository, or `SUPERVISOR_CHECK_PY`). */
export function supervisorCheck(): string | null {
  const candidates = [
    process.env.SUPERVISOR_CHECK_PY,
    `${repoRoot}../shared/ha/supervisor-check/check.py`,
    '/work/shared/ha/supervisor-check/check.py',
  ];
  return candidates.find((c): c is string => Boolean(c && existsSync(c))) ?? null;
}

/** Whether a command runs at all (`promtool --version`). */
export function runs(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

/** `false` or a skip reason; throws in CI, where the tool must be present. */
export function missingTool(what: string, install: string): string {
  const reason = `${what} is not available (install: ${install})`;
  if (requireTools) throw new Error(reason);
  return reason;
}
