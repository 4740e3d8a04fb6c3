#!/usr/bin/env node
/**
 * The `arrgus` command: run | replay | check-config | (later rooms add theirs here).
 * Exit codes: 0 ok, 1 runtime failure, 2 invalid configuration or usage.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
// Loaded by the commands that read a configuration: zod and the schema cost ~20 MB and 0.3 s of start-up, which
// `arrgus replay` on the defaults does without (src/config/defaults.ts).
import type { LoadedConfig } from './config/load.ts';
import type { Config } from './config/schema.ts';
import { APPS } from './core/types.ts';
import { isValidZone } from './parsers/time.ts';

const USAGE = `Usage: arrgus <command> [options]     (arrgus <command> --help for details, arrgus --version)

Commands:
  run [--config FILE]              follow the configured logs (default command)
  replay [--app APP|auto] [--tz ZONE] [--events] [--format ndjson|summary] [--explain] [--config FILE] FILE... | -
                                   run the pipeline offline over files (or stdin) and print NDJSON
  check-config [FILE]              validate a configuration file (with environment and add-on options) and exit
  notify-test NAME [--config FILE] send a test notification to one target; prints success or the exact failure reason
  ha-cleanup [--config FILE]       remove every MQTT / Home Assistant entity this instance published
  ai-preview ISSUE [--json] [--config FILE]
                                   print the exact (redacted) text an AI analysis of ISSUE would send; sends nothing

Environment: ARRGUS_<SECTION>__<KEY> overrides any setting (e.g. ARRGUS_WEB__PORT=8100).`;

/** One help text per command (`arrgus <command> --help`). */
const COMMAND_HELP: Record<string, string> = {
  run: `Usage: arrgus run [--config FILE]

Follows the configured logs and APIs, detects issues, sends alerts and notifications, publishes to MQTT / Home
Assistant and serves the HTTP API. Stops cleanly on SIGINT / SIGTERM.

Options:
  -c, --config FILE   YAML or JSON configuration (default: ./arrgus.yaml when present)`,
  replay: `Usage: arrgus replay [--app APP|auto] [--tz ZONE] [--events] [--format ndjson|summary] [--config FILE] FILE... | -

Runs the pipeline offline over log files (or stdin) and prints one JSON record per line, or a summary with the top
issues and their titles. Rotated and compressed files are read in order.

Options:
  --app APP           the app that wrote the logs (default auto: detected from the content)
  --tz ZONE           IANA zone or offset for logs without one (default: the process zone)
  --events            also print detection events (issues opened, alerts)
  --format FORMAT     ndjson (default) or summary
  -c, --config FILE   use the rules and thresholds of this configuration`,
  'check-config': `Usage: arrgus check-config [FILE]

Validates the configuration (the file, the add-on options and ARRGUS_* environment variables, merged as 'run' does)
and lists every bad key. Exit 0 when valid, 2 when not.`,
  'notify-test': `Usage: arrgus notify-test NAME [--config FILE]

Sends a test notification to the target NAME and prints success or the exact failure reason.`,
  'ha-cleanup': `Usage: arrgus ha-cleanup [--config FILE]

Connects to the configured MQTT broker and removes every retained topic and Home Assistant entity this instance
published (run it before uninstalling).`,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function cli(argv: string[]): Promise<number> {
  const [command = 'run', ...rest] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    process.stdout.write(`arrgus ${version()}\n`);
    return 0;
  }
  const help = COMMAND_HELP[command];
  if (help && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  switch (command) {
    case 'run':
      return run(rest);
    case 'replay':
      return replayCommand(rest);
    case 'check-config':
      return await checkConfig(rest);
    case 'notify-test':
      return notifyTest(rest);
    case 'ha-cleanup':
      return haCleanupCommand(rest);
    case 'ai-preview':
      return aiPreview(rest);
    case '-h':
    case '--help':
    case 'help': {
      const topic = rest[0] ? COMMAND_HELP[rest[0]] : undefined;
      process.stdout.write(`${topic ?? USAGE}\n`);
      return 0;
    }
    default:
      process.stderr.write(`arrgus: unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, allowPositionals: false });
  const { loadConfig } = await import('./config/load.ts');
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig(values.config ? { file: values.config } : {});
  } catch (err) {
    return configFailure(err);
  }
  const { startService } = await import('./main.ts');
  return startService(loaded);
}

async function checkConfig(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { config: { type: 'string', short: 'c' } },
    allowPositionals: true,
  });
  const file = positionals[0] ?? values.config;
  const { loadConfig } = await import('./config/load.ts');
  try {
    const { layers } = loadConfig(file ? { file } : {});
    process.stdout.write(`Configuration is valid (${layers.join(' + ')}).\n`);
    return 0;
  } catch (err) {
    return configFailure(err);
  }
}

/** Loads the configuration for a one-shot command; a ConfigError becomes exit code 2. */
async function loadFor(args: string[]): Promise<{ loaded: LoadedConfig; positionals: string[] } | number> {
  const { values, positionals } = parseArgs({
    args,
    options: { config: { type: 'string', short: 'c' } },
    allowPositionals: true,
  });
  const { loadConfig } = await import('./config/load.ts');
  try {
    return { loaded: loadConfig(values.config ? { file: values.config } : {}), positionals };
  } catch (err) {
    return configFailure(err);
  }
}

async function notifyTest(args: string[]): Promise<number> {
  const r = await loadFor(args);
  if (typeof r === 'number') return r;
  const { notifyTestCommand } = await import('./notify/cli.ts');
  const { systemClock } = await import('./core/clock.ts');
  return notifyTestCommand(r.loaded.config, r.positionals[0], {
    out: process.stdout,
    err: process.stderr,
    clock: systemClock,
  });
}

async function aiPreview(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const r = await loadFor(args.filter((a) => a !== '--json'));
  if (typeof r === 'number') return r;
  const { aiPreviewCommand } = await import('./ai/cli.ts');
  const { systemClock } = await import('./core/clock.ts');
  return aiPreviewCommand(r.loaded.config, r.positionals[0], json, {
    out: process.stdout,
    err: process.stderr,
    clock: systemClock,
  });
}

async function haCleanupCommand(args: string[]): Promise<number> {
  const r = await loadFor(args);
  if (typeof r === 'number') return r;
  const { config } = r.loaded;
  const { loadInstanceId } = await import('./store/instance-id.ts');
  const { haCleanup } = await import('./mqtt/cleanup.ts');
  const { createLogger } = await import('./core/logger.ts');
  const { VERSION } = await import('./main.ts');
  try {
    const res = await haCleanup({
      config,
      instanceId: loadInstanceId(config.dataDir, config.instanceId),
      version: VERSION,
      logger: createLogger('arrgus', { level: config.log.level }),
    });
    process.stdout.write(
      `Removed ${res.removed.length} retained topics (and emptied ${res.emptied} configs) on ${res.broker}.\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`arrgus ha-cleanup: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

function configFailure(err: unknown): number {
  // By name: the class lives in config/load.ts, which this file loads only when a command needs it.
  if (err instanceof Error && err.name === 'ConfigError') {
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
  throw err;
}

async function replayCommand(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseReplayArgs>;
  try {
    parsed = parseReplayArgs(args);
  } catch (err) {
    process.stderr.write(`arrgus replay: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { parseThreadFor, replay } = await import('./replay.ts');
  const { values, positionals } = parsed;
  const app = values.app ?? 'auto';
  if (!(APPS as readonly string[]).includes(app)) {
    process.stderr.write(`arrgus replay: --app: got "${app}", expected one of ${APPS.join(', ')}\n`);
    return 2;
  }
  if (values.tz && !isValidZone(values.tz)) {
    process.stderr.write(
      `arrgus replay: --tz: got "${values.tz}", expected an IANA zone like Europe/Paris, UTC or +02:00\n`,
    );
    return 2;
  }
  // --explain prints, per issue, the evidence behind its category and title: a person reads it, so summary format.
  const format = values.format ?? (values.explain ? 'summary' : 'ndjson');
  if (format !== 'ndjson' && format !== 'summary') {
    process.stderr.write(`arrgus replay: --format: got "${format}", expected ndjson or summary\n`);
    return 2;
  }
  let config: Config | undefined;
  if (values.config) {
    const { loadConfig } = await import('./config/load.ts');
    try {
      config = loadConfig({ file: values.config }).config;
    } catch (err) {
      return configFailure(err);
    }
  }
  const files = positionals.length ? positionals : ['-'];
  // A big file is parsed on a thread of its own: it starts loading now, beside detection.
  const thread = parseThreadFor(files);
  const { attachDetection } = await import('./replay-detect.ts');
  const detection = attachDetection({
    ...(values.tz ? { tz: values.tz } : {}),
    ...(config ? { config } : {}),
    explain: values.explain ?? false,
  });
  try {
    await replay({
      app,
      ...(values.tz ? { tz: values.tz } : {}),
      events: values.events ?? false,
      format,
      files,
      out: process.stdout,
      ...detection,
      ...(thread ? { thread } : {}),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`arrgus replay: ${e.code === 'ENOENT' ? `no such file: ${e.path}` : e.message}\n`);
    return 1;
  }
  return 0;
}

function parseReplayArgs(args: string[]) {
  return parseArgs({
    args,
    options: {
      app: { type: 'string' },
      tz: { type: 'string' },
      events: { type: 'boolean' },
      explain: { type: 'boolean' },
      format: { type: 'string' },
      config: { type: 'string', short: 'c' },
    },
    allowPositionals: true,
  });
}

if (import.meta.main) {
  cli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`arrgus: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
