import { describe, expect, test } from 'vitest';
import { SseParser, backoffDelay } from '../src/index.js';

describe('SseParser', () => {
  test('messages split across chunks and line endings come out whole, heartbeats dropped', () => {
    const parser = new SseParser();
    expect(parser.push('retry: 3000\n\nevent: ready\ndata: {"cursor":0}\n\n: heart')).toEqual([
      { id: null, event: 'ready', data: '{"cursor":0}', retry: 3000 },
    ]);
    expect(parser.push('beat\n\nid: 7\r\nevent: step\r\ndata: {"a":')).toEqual([]);
    expect(parser.push('1}\r')).toEqual([]);
    expect(parser.push('\n\r\n')).toEqual([{ id: '7', event: 'step', data: '{"a":1}', retry: 3000 }]);
  });

  test('several data lines join with newlines and the id carries over to the next message', () => {
    const parser = new SseParser();
    expect(parser.push('id: 3\ndata: a\ndata: b\n\nevent: file\ndata: c\n\n')).toEqual([
      { id: '3', event: 'message', data: 'a\nb', retry: null },
      { id: '3', event: 'file', data: 'c', retry: null },
    ]);
  });
});

describe('backoffDelay', () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  test('doubles the ceiling per attempt up to the maximum, with the wait a random share of it', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(policy, attempt, null, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(backoffDelay(policy, 3, null, () => 0.5)).toBe(200);
    expect(backoffDelay(policy, 3, null, () => 0)).toBe(0);
  });

  test("a server's Retry-After is a floor", () => {
    expect(backoffDelay(policy, 1, 2, () => 1)).toBe(2000);
  });
});
