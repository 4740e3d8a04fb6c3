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

test('every YAML configuration example in the README is valid', async () => {
  const { parse } = await import('yaml');
  const { validateConfig } = await import('../src/config/load.ts');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  assert.ok(blocks.length >= 2, 'the README shows configuration examples');
  for (const block of blocks) {
    const data = parse(block) as Record<string, unknown>;
    if (!('sources' in data || 'notify' in data || 'mqtt' in data)) continue;
    assert.doesNotThrow(() => validateConfig(data), `README example is invalid:\n${block}`);
  }
});

test('the README category table matches the taxonomy (run `node scripts/taxonomy-docs.ts --write`)', async () => {
  const { updateTaxonomy } = await import('../scripts/taxonomy-docs.ts');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  assert.equal(readme, updateTaxonomy(readme));
});
