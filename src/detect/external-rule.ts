/** Issues an API reported (external-issues.ts) carry a rule id of their own: `external:<scope>`. */
import type { Issue } from '../core/types.ts';

export const EXTERNAL_RULE_PREFIX = 'external:';

export function isExternal(issue: Issue): boolean {
  return issue.ruleId?.startsWith(EXTERNAL_RULE_PREFIX) === true;
}
