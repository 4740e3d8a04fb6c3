/** Plex Media Server log lines: the message mix of a busy server (mostly DEBUG requests), with scanner tracebacks. */
import { type LogGenerator, pad, Random } from './random.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const THREADS = ['0x7f70a5bfe700', '0x7f70b1c93800', '0x7f70913fa700', '0x7f708ebf5700', '0x7f7099ffd700'];

export function plexGenerator(seed = 1): LogGenerator {
  const r = new Random(seed);
  let t = Date.UTC(2024, 4, 1, 18, 0, 0);
  const stamp = (): string => {
    t += r.int(40);
    const d = new Date(t);
    return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  };
  const line = (level: string, msg: string) => `${stamp()} [${r.pick(THREADS)}] ${level} - ${msg}`;
  return {
    name: 'Plex',
    app: 'plex',
    next(): string {
      const x = r.next();
      const req = r.hex(4);
      if (x < 0.3)
        return line(
          'DEBUG',
          `Request: [192.168.1.${r.int(255)}:${40000 + r.int(20000)} (Subnet)] GET /library/metadata/${r.int(90000)}?includeConcerts=1&includeExtras=1 (${r.int(40)} live) #${req} TLS GZIP Signed-in Token (user${r.int(9)})`,
        );
      if (x < 0.55)
        return line(
          'DEBUG',
          `Completed: [192.168.1.${r.int(255)}:${40000 + r.int(20000)}] 200 GET /status/sessions (${r.int(40)} live) #${req} TLS GZIP ${r.int(90)}ms ${r.int(9000)} bytes (pipelined: 1)`,
        );
      if (x < 0.7) return line('VERBOSE', `[Req#${req}] Auth: authenticated user ${r.int(9)} as user${r.int(9)}`);
      if (x < 0.8)
        return line(
          'DEBUG',
          `[Req#${req}/Transcode] Streaming Resource: Reached Decision id=${r.int(99999)} codes=(General=1000,Direct play OK.)`,
        );
      if (x < 0.9)
        return line('INFO', `[Req#${req}] Library section ${r.int(12)} (Movies) scanned in ${r.int(900)} ms`);
      if (x < 0.96)
        return line('WARN', `[Req#${req}] SLOW QUERY: It took ${200 + r.int(900)} ms to retrieve ${r.int(80)} items.`);
      if (x < 0.99)
        return line(
          'ERROR',
          `Failed to begin transaction (../Library/MetadataCollection.cpp:173) (tries=${1 + r.int(9)}): Cannot begin transaction. database is locked`,
        );
      return [
        line('ERROR', 'Error in Python: Running function: Traceback (most recent call last):'),
        '  File "/usr/lib/plexmediaserver/Resources/Plug-ins-5a9f9d4/Framework.bundle/Contents/Resources/Versions/2/Python/Framework/components/runtime.py", line 843, in handle_request',
        '    result = f(**d)',
        '  File "/config/Library/Application Support/Plex Media Server/Plug-ins/Sub-Zero.bundle/Contents/Code/__init__.py", line 127, in Search',
        '    raise ValueError("could not parse the response")',
        'ValueError: could not parse the response',
      ].join('\n');
    },
  };
}
