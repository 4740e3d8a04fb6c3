/** The add-on repository checked by the Home Assistant Supervisor's own validation code (shared/ha/supervisor-check). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { missingTool, repoRoot, supervisorCheck } from './helpers/tools.ts';

const PY = '/usr/bin/python3';
const APT = 'apt-get install python3-voluptuous python3-yaml python3-awesomeversion';

function runCheck(dir: string): { status: number | null; out: string } {
  const check = supervisorCheck() as string;
  const r = spawnSync(PY, [check, dir], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function available(): string | false {
  if (!supervisorCheck()) return missingTool('shared/ha/supervisor-check/check.py', 'set SUPERVISOR_CHECK_PY');
  const r = spawnSync(PY, ['-c', 'import voluptuous, yaml, awesomeversion'], { stdio: 'ignore' });
  return r.status === 0 ? false : missingTool('the Supervisor checker’s Python modules', APT);
}

const skip = available();

test('the Supervisor accepts the repository, the manifest, its default options, translations, docs and images', {
  skip,
}, () => {
  const r = runCheck(repoRoot);
  assert.equal(r.status, 0, r.out);
  for (const what of [
    'repository.yaml',
    'valid add-on manifest',
    'default options are accepted',
    'translations/en.yaml is valid',
    'DOCS.md',
    'CHANGELOG.md',
    'icon.png',
    'logo.png',
  ])
    assert.match(r.out, new RegExp(`\\[OK\\].*${what.replace(/[.]/g, '\\.')}`), r.out);
  assert.doesNotMatch(r.out, /\[FAIL\]/);
});

test('the checker refuses default options the schema does not accept (it can fail)', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-addon-'));
  for (const f of ['repository.yaml', 'config.json', 'DOCS.md', 'CHANGELOG.md', 'icon.png', 'logo.png', 'translations'])
    cpSync(join(repoRoot, f), join(dir, f), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { options: Record<string, unknown> };
  delete manifest.options.web;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(manifest));
  const r = runCheck(dir);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /Missing option 'web'/);
});
