import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventBus } from './bus.ts';
import { memoryLogger } from './logger.ts';

interface Events {
  tick: number;
}

describe('EventBus', () => {
  test('every listener gets the payload in order; a throwing one is logged and the others still run', () => {
    const logger = memoryLogger();
    const bus = new EventBus<Events>(logger);
    const seen: string[] = [];
    bus.on('tick', 'a', (n) => void seen.push(`a${n}`));
    bus.on('tick', 'bad', () => {
      throw new Error('boom');
    });
    bus.on('tick', 'b', (n) => void seen.push(`b${n}`));
    bus.emit('tick', 1);
    assert.deepEqual(seen, ['a1', 'b1']);
    assert.ok(logger.lines.some((l) => l.includes('Listener bad failed on event tick')));
  });

  test('a listener removed or added during an emit changes the next emit, not the one under way', () => {
    const bus = new EventBus<Events>(memoryLogger());
    const seen: string[] = [];
    let offB: () => void = () => {};
    bus.on('tick', 'a', (n) => {
      seen.push(`a${n}`);
      if (n === 1) {
        offB();
        bus.on('tick', 'c', (m) => void seen.push(`c${m}`));
      }
    });
    offB = bus.on('tick', 'b', (n) => void seen.push(`b${n}`));
    bus.emit('tick', 1);
    assert.deepEqual(seen, ['a1', 'b1']);
    bus.emit('tick', 2);
    assert.deepEqual(seen, ['a1', 'b1', 'a2', 'c2']);
    assert.equal(bus.listenerCount('tick'), 2);
  });

  test('unsubscribing twice removes the listener once', () => {
    const bus = new EventBus<Events>(memoryLogger());
    const off = bus.on('tick', 'a', () => {});
    bus.on('tick', 'b', () => {});
    off();
    off();
    assert.equal(bus.listenerCount('tick'), 1);
  });
});
