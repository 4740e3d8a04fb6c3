import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { systemZoneName } from './system-zone.ts';

const dir = mkdtempSync(join(tmpdir(), 'arrgus-zone-'));
const link = (name: string, target: string) => {
  const p = join(dir, name);
  symlinkSync(target, p);
  return p;
};
const never = () => assert.fail('Intl must not be asked');

test('TZ wins', () => {
  assert.equal(
    systemZoneName({ TZ: 'Asia/Tokyo' }, link('a', '/usr/share/zoneinfo/Europe/Paris'), never),
    'Asia/Tokyo',
  );
});

test('the zone /etc/localtime links to, without Intl (posix/ and right/ trees included)', () => {
  assert.equal(systemZoneName({}, link('b', '/usr/share/zoneinfo/Etc/UTC'), never), 'Etc/UTC');
  assert.equal(systemZoneName({}, link('c', '../usr/share/zoneinfo/America/New_York'), never), 'America/New_York');
  assert.equal(systemZoneName({}, link('d', '/usr/share/zoneinfo/posix/Europe/Berlin'), never), 'Europe/Berlin');
});

test('a copied zone file, a missing one or an odd link: Intl decides', () => {
  const copy = join(dir, 'copy');
  writeFileSync(copy, 'TZif');
  assert.equal(
    systemZoneName({}, copy, () => 'Europe/Rome'),
    'Europe/Rome',
  );
  assert.equal(
    systemZoneName({}, join(dir, 'missing'), () => 'Europe/Rome'),
    'Europe/Rome',
  );
  assert.equal(
    systemZoneName({}, link('e', '/somewhere/else'), () => undefined),
    'UTC',
  );
});
