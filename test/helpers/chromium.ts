/** Debian's `chromium` for the browser tests (.ci/run installs it); tests skip with a reason when it is missing. */
import { existsSync } from 'node:fs';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  (p): p is string => Boolean(p),
);

export const chromiumPath: string | undefined = CANDIDATES.find((p) => existsSync(p));
export const chromiumSkip: string | false = chromiumPath
  ? false
  : 'chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)';
