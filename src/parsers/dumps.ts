/**
 * The level of headerless text (an orphan, an unlevelled line): a crash is fatal, a dump is an error, anything else
 * info (issue 9 point 4: crash dumps without a level used to stay INFO).
 */
import type { Level } from '../core/types.ts';

const ERRORISH =
  /(?:^|\n)\s*(?:Traceback \(most recent call last\)|(?:\[v\d+(?:\.\d+)+\]\s*)?[\w.`]*(?:Exception|Error)(?::|\s*$)|at [\w.`<>$]+\(|at [\w.`<>$]+ \(|---> |panic:|[Uu]nhandled [Ee]xception|Exception in thread |goroutine \d+ \[)/;
/**
 * A process died: signals (systemd's `status=11/SEGV`, `code=dumped`, `core-dump` too), libc/libstdc++ aborts, the
 * shell's report (`line 5:  312 Aborted  "$@"`, a bare `Aborted`), Plex's crash banner, CPython's fatal error.
 */
const CRASHISH =
  /\b(?:SIG(?:SEGV|ABRT|BUS|ILL|FPE)\b|(?:signal=|status=\d+\/)(?:SEGV|ABRT|BUS|ILL|FPE)\b|code=dumped|core-dump\b|Segmentation fault|core dumped|terminate called (?:after throwing|without an active|recursively)|libc\+\+abi(?:\.dylib)?: terminating|PLEX MEDIA SERVER CRASHED|Fatal Python error|\d+ (?:Aborted|Killed|Bus error|Illegal instruction) )|(?:^|\n)\s*Aborted(?: \(core dumped\))?\s*(?:$|\n)/;

/**
 * The level of a record whose header gave none (an orphan, an unlevelled line): fatal when it reports a crash, error
 * when its text is clearly an error (a traceback, an exception, an unhandled-exception dump), else info.
 */
export function orphanLevel(text: string): Level {
  if (CRASHISH.test(text)) return 'fatal';
  return ERRORISH.test(text) ? 'error' : 'info';
}
