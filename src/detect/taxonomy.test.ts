import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATEGORIES } from '../config/detect.ts';
import { COMPONENTS } from './layers/components.ts';
import { EXCEPTION_TYPES, NAMESPACES } from './layers/exceptions.ts';
import { KEYWORDS } from './layers/keywords.ts';
import { BUILT_IN_RULES } from './rules/index.ts';
import { CATEGORY_IDS, TAXONOMY } from './taxonomy.ts';

test('every category a layer or a rule names is in the taxonomy, with a decision rule', () => {
  for (const e of [...EXCEPTION_TYPES, ...NAMESPACES, ...COMPONENTS, ...KEYWORDS, ...BUILT_IN_RULES])
    assert.ok(CATEGORY_IDS.has(e.category), `${e.id}: ${e.category}`);
  for (const c of TAXONOMY) assert.ok(c.summary && c.decision, c.id);
  for (const c of CATEGORIES) assert.ok(CATEGORY_IDS.has(c), `config category ${c}`);
});
