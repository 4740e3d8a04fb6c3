import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orphanLevel } from './dumps.ts';

describe('orphanLevel', () => {
  test('crash reports are fatal, wherever they sit in the text', () => {
    for (const text of [
      'Aborted (core dumped)',
      'Aborted',
      "starting\nterminate called after throwing an instance of 'std::bad_alloc'",
      'Segmentation fault',
      '*** SIGSEGV received at time=1709290000 ***',
      'Main PID: 13914 (code=dumped, signal=ABRT)',
      'jellyfin.service: Main process exited, code=killed, status=11/SEGV',
      "jellyfin.service: Failed with result 'core-dump'.",
      '/init: line 12:   77 Aborted                 s6-svscan',
      'Fatal Python error: Segmentation fault',
    ]) {
      assert.equal(orphanLevel(text), 'fatal', text);
    }
  });
  test('dumps are errors; prose that mentions the words is not', () => {
    assert.equal(
      orphanLevel('Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect (node:net:1555:16)'),
      'error',
    );
    assert.equal(orphanLevel('Exception in thread "main" java.lang.OutOfMemoryError: Java heap space'), 'error');
    assert.equal(orphanLevel('goroutine 41 [running]:'), 'error');
    assert.equal(orphanLevel('Unhandled exception. System.IO.IOException: No space left on device'), 'error');
    assert.equal(orphanLevel('Download aborted by the user'), 'info');
    assert.equal(orphanLevel('Aborted import of 3 files, retrying'), 'info');
    assert.equal(orphanLevel('The error was in the cable'), 'info');
  });
});
