import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineSplitter, TRUNCATION_MARKER } from './line-splitter.ts';

interface Got {
  line: string;
  offset: number;
  end: number;
  truncated: boolean;
}

function split(chunks: Array<string | Buffer>, max?: number, end = false): { got: Got[]; s: LineSplitter } {
  const got: Got[] = [];
  const s = new LineSplitter((line, offset, e, truncated) => got.push({ line, offset, end: e, truncated }), 0, max);
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c);
  if (end) s.end();
  return { got, s };
}

describe('LineSplitter', () => {
  test('LF and CRLF lines with byte offsets; a CR split from its LF across chunks', () => {
    const { got } = split(['a\r\nbé\n', 'c\r', '\nd\n']);
    assert.deepEqual(got, [
      { line: 'a', offset: 0, end: 3, truncated: false },
      { line: 'bé', offset: 3, end: 7, truncated: false },
      { line: 'c', offset: 7, end: 10, truncated: false },
      { line: 'd', offset: 10, end: 12, truncated: false },
    ]);
  });

  test('a partial last line is not emitted until its newline arrives; offset stays at its start', () => {
    const { got, s } = split(['one\ntw', 'o-and-a-half']);
    assert.deepEqual(
      got.map((g) => g.line),
      ['one'],
    );
    assert.equal(s.offset, 4);
    assert.equal(s.pendingBytes, 14);
    s.push(Buffer.from('\n'));
    assert.deepEqual(got.at(-1), { line: 'two-and-a-half', offset: 4, end: 19, truncated: false });
    assert.equal(s.offset, 19);
    assert.equal(s.pendingBytes, 0);
  });

  test('end() emits the unfinished last line (end of a replayed file); nothing when there is none', () => {
    assert.deepEqual(
      split(['x\ny'], undefined, true).got.map((g) => g.line),
      ['x', 'y'],
    );
    assert.equal(split(['x\n'], undefined, true).got.length, 1);
  });

  test('invalid UTF-8 becomes replacement characters; NUL bytes are dropped; binary garbage never throws', () => {
    const { got } = split([Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a, 0x00, 0x00, 0x63, 0x0a])]);
    assert.deepEqual(
      got.map((g) => g.line),
      ['a\ufffd\ufffdb', 'c'],
    );
    const garbage = Buffer.alloc(100_000);
    let seed = 42;
    for (let i = 0; i < garbage.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      garbage[i] = seed >>> 24;
    }
    const r = split([garbage], 1024, true);
    const newlines = garbage.reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
    assert.equal(r.got.length, garbage.at(-1) === 10 ? newlines : newlines + 1);
    assert.equal(r.got.at(-1)?.end, garbage.length);
  });

  test('a 10 MiB line without newline is cut at the cap with a marker, and memory stays bounded', () => {
    const got: Got[] = [];
    const s = new LineSplitter((line, offset, end, truncated) => got.push({ line, offset, end, truncated }), 0, 1000);
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    for (let i = 0; i < 160; i++) {
      s.push(chunk);
      assert.ok(s.pendingBytes === (i + 1) * chunk.length);
    }
    assert.equal(got.length, 0, 'nothing before the newline');
    s.push(Buffer.from('\nnext\n'));
    assert.equal(got.length, 2);
    const first = got[0] as Got;
    assert.equal(first.truncated, true);
    assert.equal(first.line, 'x'.repeat(1000) + TRUNCATION_MARKER);
    assert.equal(first.end, 160 * chunk.length + 1);
    assert.deepEqual(got[1], { line: 'next', offset: first.end, end: first.end + 5, truncated: false });
  });

  test('a long line inside one chunk is cut too, never inside a UTF-8 sequence', () => {
    const { got } = split([`${'é'.repeat(10)}\nok\n`], 5);
    assert.equal(got[0]?.line, `éé${TRUNCATION_MARKER}`);
    assert.equal(got[0]?.truncated, true);
    assert.equal(got[1]?.line, 'ok');
    const across = split(['éé', 'éé\n'], 5).got;
    assert.equal(across[0]?.line, `éé${TRUNCATION_MARKER}`);
  });

  test('startOffset and reset() place offsets in the file', () => {
    const got: Got[] = [];
    const s = new LineSplitter((line, offset, end, truncated) => got.push({ line, offset, end, truncated }), 100);
    s.push(Buffer.from('ab\npartial'));
    s.reset(0);
    s.push(Buffer.from('new\n'));
    assert.deepEqual(got, [
      { line: 'ab', offset: 100, end: 103, truncated: false },
      { line: 'new', offset: 0, end: 4, truncated: false },
    ]);
  });
});
