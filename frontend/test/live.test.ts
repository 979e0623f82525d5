import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricPoint, Run } from '../src/api';
import { RunLive, type LiveHandlers } from '../src/live';

/** A socket the test drives: it records the address asked for and plays the server's part. */
class FakeSocket {
  static opened: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.opened.push(this);
  }
  send(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  close() {
    this.closed = true;
  }
  drop() {
    this.onclose?.();
  }
}

const point = (seq: number): MetricPoint => ({ seq, kind: 'step', epoch: 1, step: seq, values: { loss: 1 / (seq + 1) }, at: seq });
const run = { id: 7, state: 'running' } as Run;

function handlers() {
  const seen: number[] = [];
  const events: string[] = [];
  const h: LiveHandlers = {
    run: (r) => events.push(`run ${r.state}`),
    metric: (p) => seen.push(p.seq),
    suggestions: (s) => events.push(`suggestions ${s.length}`),
    connection: (c) => events.push(c ? 'up' : 'down'),
    error: (m) => events.push(`error ${m}`),
  };
  return { h, seen, events };
}

describe("the run page's live feed", () => {
  beforeEach(() => {
    FakeSocket.opened = [];
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('asks for everything first, then only for what it has not seen, and never shows a point twice', () => {
    const { h, seen } = handlers();
    new RunLive(7, h);
    const first = FakeSocket.opened[0];
    expect(first.url).toMatch(/\/ws\/runs\/7\?afterSeq=-1&lang=/);
    first.onopen!();
    first.send({ type: 'snapshot', run, metrics: [point(0), point(1), point(2)], suggestions: [] });
    first.send({ type: 'metric', point: point(2) });
    first.send({ type: 'metric', point: point(3) });
    first.drop();

    vi.advanceTimersByTime(500);
    const second = FakeSocket.opened[1];
    expect(second.url).toMatch(/afterSeq=3&/);
    second.send({ type: 'snapshot', run, metrics: [point(3), point(4)], suggestions: [] });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('backs off between attempts up to ten seconds, and starts over once connected', () => {
    const { h, events } = handlers();
    new RunLive(7, h);
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const before = FakeSocket.opened.length;
      FakeSocket.opened[before - 1].drop();
      let waited = 0;
      while (FakeSocket.opened.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
    const last = FakeSocket.opened[FakeSocket.opened.length - 1];
    last.onopen!();
    last.drop();
    vi.advanceTimersByTime(500);
    expect(FakeSocket.opened.at(-1)).not.toBe(last);
    expect(events.filter((e) => e === 'down')).toHaveLength(8);
  });

  it('stops for good on an error from the server or when the page closes it', () => {
    const { h, events } = handlers();
    const live = new RunLive(7, h);
    FakeSocket.opened[0].send({ type: 'error', error: 'no such run' });
    FakeSocket.opened[0].drop();
    vi.advanceTimersByTime(20000);
    expect(FakeSocket.opened).toHaveLength(1);
    expect(events).toContain('error no such run');

    const other = new RunLive(8, handlers().h);
    other.close();
    FakeSocket.opened.at(-1)!.drop();
    vi.advanceTimersByTime(20000);
    expect(FakeSocket.opened).toHaveLength(2);
    live.close();
  });
});
