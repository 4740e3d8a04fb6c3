/**
 * Starts a real Mosquitto (`/usr/sbin/mosquitto`, Debian package `mosquitto`) on a free loopback port with a
 * throw-away configuration, for end-to-end tests. `available` is false (and tests skip, saying why) only when the
 * binary is absent.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOSQUITTO = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';
export const mosquittoAvailable = existsSync(MOSQUITTO);
export const mosquittoSkip = mosquittoAvailable
  ? false
  : `${MOSQUITTO} not found: install the Debian package "mosquitto" (or set MOSQUITTO_BIN) to run these tests`;

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export class Mosquitto {
  readonly port: number;
  private readonly dir: string;
  private proc: ChildProcess | null = null;
  private output = '';

  private constructor(port: number) {
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), 'arrgus-mosquitto-'));
    // No persistence: a restart loses every retained message, the worst case Arrgus must recover from.
    writeFileSync(
      join(this.dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence false',
        'log_dest stderr',
        'log_type error',
        '',
      ].join('\n'),
    );
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  static async start(port?: number): Promise<Mosquitto> {
    const m = new Mosquitto(port ?? (await freePort()));
    await m.start();
    return m;
  }

  async start(): Promise<void> {
    const proc = spawn(MOSQUITTO, ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    proc.stderr?.on('data', (d: Buffer) => {
      this.output += d.toString();
    });
    const deadline = Date.now() + 5000;
    while (!(await accepts(this.port))) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `mosquitto did not start on port ${this.port}: ${this.output.trim() || `exit ${proc.exitCode}`}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Kills the broker (SIGKILL: no goodbye to clients, like a crash). */
  async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
