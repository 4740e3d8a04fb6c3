/** A small seeded PRNG (mulberry32) so every benchmark run reads exactly the same logs. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  hex(len: number): string {
    let s = '';
    for (let i = 0; i < len; i++) s += '0123456789abcdef'[this.int(16)];
    return s;
  }
}

/** A generator writes lines of one format; `next()` returns one record's text (one or more lines, `\n`-joined). */
export interface LogGenerator {
  readonly name: string;
  /** The `--app` to replay it with. */
  readonly app: string;
  next(): string;
}

export const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
