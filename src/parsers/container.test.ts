import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createContainerParser } from './container.ts';
import { ctxFor } from './testing.ts';

const ctx = ctxFor();
const p = createContainerParser();

describe('container parser', () => {
  test('hotio init lines are headers with their local date and level', () => {
    const h = p.header('[2023-01-01 12:00:00] [INF] Creating user...', ctx);
    assert.deepEqual(h, {
      time: Date.UTC(2023, 0, 1, 12),
      level: 'info',
      logger: 'container',
      message: 'Creating user...',
    });
    assert.equal(p.header('[2023-01-01 12:00:00] [ERR] chown failed', ctx)?.level, 'error');
    assert.equal(p.header('[2023-01-01 12:00:00] [WRN] PUID not set', ctx)?.level, 'warn');
  });

  test('s6-overlay v3 lines are headers without a time', () => {
    const h = p.header('s6-rc: info: service legacy-cont-init: starting', ctx);
    assert.deepEqual(h, {
      time: null,
      level: 'info',
      logger: 's6-rc',
      message: 'service legacy-cont-init: starting',
    });
    assert.equal(p.header('s6-overlay-suexec: fatal: can only run as pid 1', ctx)?.level, 'fatal');
    assert.equal(p.header('s6-rc: warning: unable to start service svc-plex: command exited 1', ctx)?.level, 'warn');
  });

  test('level-only `[LEVEL] message` lines of Go workloads are headers (their time comes from the envelope)', () => {
    assert.deepEqual(p.header('[INFO] plugin/reload: Running configuration MD5 = 46654', ctx), {
      time: null,
      level: 'info',
      message: 'plugin/reload: Running configuration MD5 = 46654',
    });
    assert.equal(p.header('[ERROR] plugin/errors: 2 example.org. A: read udp', ctx)?.level, 'error');
  });

  test('linuxserver s6-overlay v2 tags, banners and app lines are not container headers', () => {
    for (const line of [
      '[s6-init] making user provided files available at /var/run/s6/etc...exited 0.',
      '[cont-init.d] 10-adduser: executing...',
      '[fix-attrs.d] done.',
      '[services.d] starting services',
      '-------------------------------------',
      'Brought to you by linuxserver.io',
      'User uid:    1030',
      '[Info] Bootstrap: Starting Sonarr',
      '[18:36:18] [INF] [5] Main: Jellyfin version: 10.8.0',
      '[2023-10-01 18:36:18.123 +02:00] [ERR] [45] Emby.Server: boom',
      'Jan 05, 2023 12:00:00.123 [0x7f1b] ERROR - Sqlite3: busy',
      's6-svscan exited',
      '',
    ]) {
      assert.equal(p.header(line, ctx), null, line);
    }
  });
});
