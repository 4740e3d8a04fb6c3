/** Container log format. Not written yet: recognises no header, so every line joins an orphan record. */
import type { FormatParser } from './types.ts';

export function createContainerParser(): FormatParser {
  return {
    id: 'container',
    apps: ['docker'],
    header: () => null,
  };
}
