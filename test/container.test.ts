/**
 * The container files, checked by structure (no Docker daemon is needed): a multi-stage Dockerfile on a pinned Node 24
 * base with production dependencies only, OCI labels, a health check and an unprivileged runtime user; a .dockerignore
 * that keeps tests and state out of the image; a compose example with read-only log mounts and a Mosquitto service.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { validateConfig } from '../src/config/load.ts';

const read = (f: string) => readFileSync(new URL(`../${f}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json')) as { version: string };
/** Instructions with their continuation lines joined. */
const instructions = read('Dockerfile')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const of = (kind: string) => instructions.filter((l) => l.startsWith(`${kind} `));

test('Dockerfile: multi-stage on a pinned Node 24 base, production dependencies only', () => {
  const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(instructions.join('\n'))?.[1] ?? '';
  assert.match(base, /^node:24\.\d+\.\d+-alpine\d+\.\d+$/, 'a pinned Node 24 image, never a floating tag');
  const froms = of('FROM');
  assert.ok(froms.length >= 2, 'multi-stage');
  for (const f of froms) assert.match(f, /^FROM \$\{NODE_IMAGE\} AS \w+$/);
  const ci = of('RUN').find((r) => r.includes('npm ci'));
  assert.match(ci ?? '', /npm ci --omit=dev --ignore-scripts/);
  // The runtime stage takes node_modules from the deps stage and only the sources from the context.
  const runtime = instructions.slice(instructions.findLastIndex((l) => l.startsWith('FROM ')));
  const copies = runtime.filter((l) => l.startsWith('COPY '));
  assert.ok(copies.some((c) => /^COPY --from=deps \/app\/node_modules/.test(c)));
  for (const c of copies.filter((x) => !x.includes('--from')))
    assert.match(c, /^COPY (package\.json config\.json|bin|src) /);
  assert.ok(!runtime.some((l) => /npm (ci|install)/.test(l)), 'no npm install in the runtime stage');
  const labels = of('LABEL').join(' ');
  assert.ok(instructions.includes(`ARG VERSION=${pkg.version}`), 'the image version defaults to the package version');
  for (const key of ['title', 'description', 'version', 'revision', 'created', 'source', 'licenses'])
    assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${key}=`), key);
  assert.match(labels, /io\.hass\.type="addon"/);
});

test('Dockerfile: health check on /api/health, exec-form entry point, an unprivileged runtime user', () => {
  const hc = of('HEALTHCHECK')[0] ?? '';
  assert.match(hc, /--interval=\d+s .*CMD \[.*\/api\/health/);
  assert.match(of('ENTRYPOINT')[0] ?? '', /^ENTRYPOINT \["node", .*"\/app\/bin\/arrgus\.js"\]$/);
  const env = of('ENV').join(' ');
  const drop = /ARRGUS_DROP_TO=(\d+):(\d+)/.exec(env);
  assert.ok(drop && Number(drop[1]) > 0 && Number(drop[2]) > 0, 'the service runs as a non-root user');
  assert.match(env, /ARRGUS_DATA_DIR=\/data/);
  assert.deepEqual(of('EXPOSE'), ['EXPOSE 8099 1883']);
});

test('.dockerignore admits only what the image needs and no tests', () => {
  const rules = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  assert.equal(rules[0], '*', 'everything is excluded first');
  const admitted = rules.filter((r) => r.startsWith('!')).sort();
  assert.deepEqual(admitted, ['!bin/', '!config.json', '!package-lock.json', '!package.json', '!src/']);
  assert.ok(rules.includes('src/**/*.test.ts'));
});

test('docker-compose.example.yml: read-only log mounts, valid sources, a Mosquitto service Arrgus uses', () => {
  const compose = parse(read('docker-compose.example.yml')) as {
    services: Record<
      string,
      { image?: string; volumes?: string[]; environment?: Record<string, string>; read_only?: boolean }
    >;
  };
  const arrgus = compose.services.arrgus;
  assert.ok(arrgus && compose.services.mosquitto);
  assert.match(compose.services.mosquitto?.image ?? '', /^eclipse-mosquitto:\d+\.\d+\.\d+$/);
  const volumes = arrgus.volumes ?? [];
  const logs = volumes.filter((v) => !v.endsWith(':/data'));
  assert.ok(logs.length >= 4);
  for (const v of logs) assert.match(v, /:ro$/, v);
  const env = arrgus.environment ?? {};
  assert.equal(env.ARRGUS_MQTT__URL, 'mqtt://mosquitto:1883');
  const sources = JSON.parse(env.ARRGUS_SOURCES ?? '[]') as Array<{ path: string }>;
  const config = validateConfig({ sources });
  const mounted = logs.map((v) => v.split(':').at(-2));
  for (const s of config.sources) assert.ok(mounted.includes(s.path), `${s.path} is mounted`);
  assert.equal(arrgus.read_only, true);
  assert.match(arrgus.image ?? '', new RegExp(`:${pkg.version.split('.').slice(0, 2).join('\\.')}$`));
});
