/**
 * The retained MQTT topics Arrgus last published (discovery configs and per-source states), kept in dataDir. At start
 * the ones the configuration no longer produces are emptied even when the broker forgot them (the embedded broker
 * keeps retained messages in memory only; a reinstalled Mosquitto starts empty) while Home Assistant still shows the
 * entities.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class PublishedTopics {
  private readonly file: string;
  private readonly dir: string;
  private last = '';

  constructor(dataDir: string) {
    this.dir = dataDir;
    this.file = join(dataDir, 'mqtt-published.json');
  }

  /** The topics of the last run; empty on the first start or when the file is unreadable (nothing to clean then). */
  load(): string[] {
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as { topics?: unknown };
      return Array.isArray(data.topics) ? data.topics.filter((t): t is string => typeof t === 'string') : [];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return [];
      throw err;
    }
  }

  /** Writes the list when it changed (write and rename: a crash leaves the old list or the new one, never half). */
  save(topics: Iterable<string>): void {
    const text = `${JSON.stringify({ topics: [...new Set(topics)].sort() }, null, 1)}\n`;
    if (text === this.last) return;
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, this.file);
    this.last = text;
  }
}
