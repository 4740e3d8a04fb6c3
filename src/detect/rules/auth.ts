/** Authentication rules: 401s, invalid or expired tokens, sign-in failures. */
import type { RuleDefinition } from './types.ts';

export const AUTH_RULES: readonly RuleDefinition[] = [
  {
    id: 'auth.unauthorized',
    strength: 'cause',
    // `UnauthorizedAccessException` is a file permission, not an authentication problem (see disk.permission).
    text: /\bError 401\b|\b401\b[ .:]*Unauthorized|Unauthorized(?!Access)\b|invalid (?:api ?key|token|credentials)|(?:token|session) (?:has )?expired/i,
    category: 'auth',
    severity: 'high',
    title: '{app} was refused: authentication failed',
    hint: 'Sign the server in again, or renew the API key or token the app uses.',
  },
  {
    id: 'auth.overseerr-sign-in',
    apps: ['overseerr'],
    minLevel: 'error',
    logger: /^Auth$/,
    category: 'auth',
    severity: 'medium',
    title: 'Overseerr sign-in fails',
  },
];
