import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { updateReadme } from '../scripts/config-docs.ts';

test('the README configuration reference matches the schema (run `node scripts/config-docs.ts --write`)', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  assert.equal(readme, updateReadme(readme));
});

test('the README quick start names the install, start and test commands', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  assert.match(readme, /npm install && npm start/);
  assert.match(readme, /^npm test\b/m);
});
