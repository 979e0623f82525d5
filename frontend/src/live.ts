// The run page's live feed: /ws/runs/{id}. Reconnects with back-off and asks only for the points it
// has not seen (afterSeq), so a dropped connection loses nothing and duplicates nothing.
import { lang } from './i18n';
import type { MetricPoint, Run, Suggestion } from './api';
import type { components } from './generated/openapi';

/** A message of /ws/runs/{id}: one schema per backend record (live/LiveMessage.java), from the OpenAPI document. */
export type LiveMessage = components['schemas']['LiveMessage'];

export interface LiveHandlers {
  run(run: Run): void;
  metric(point: MetricPoint): void;
  suggestions(suggestions: Suggestion[]): void;
  connection(connected: boolean): void;
  error(message: string): void;
}

export class RunLive {
  private lastSeq = -1;
  private socket: WebSocket | null = null;
  private closed = false;
  private backoff = 500;

  constructor(
    private runId: number,
    private handlers: LiveHandlers,
  ) {
    this.connect();
  }

  close() {
    this.closed = true;
    this.socket?.close();
  }

  private connect() {
    const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${protocol}//${location.host}/ws/runs/${this.runId}?afterSeq=${this.lastSeq}&lang=${lang()}`);
    this.socket = socket;
    socket.onopen = () => {
      this.backoff = 500;
      this.handlers.connection(true);
    };
    socket.onmessage = (event) => this.receive(JSON.parse(event.data));
    socket.onclose = () => {
      this.handlers.connection(false);
      if (!this.closed) {
        setTimeout(() => this.connect(), this.backoff);
        this.backoff = Math.min(this.backoff * 2, 10000);
      }
    };
  }

  private receive(message: LiveMessage) {
    switch (message.type) {
      case 'snapshot':
        this.handlers.run(message.run);
        for (const point of message.metrics) this.accept(point);
        this.handlers.suggestions(message.suggestions ?? []);
        break;
      case 'suggestions':
        this.handlers.suggestions(message.suggestions);
        break;
      case 'metric':
        this.accept(message.point);
        break;
      case 'run':
        this.handlers.run(message.run);
        break;
      case 'error':
        this.closed = true;
        this.handlers.error(message.error);
        break;
    }
  }

  private accept(point: MetricPoint) {
    if (point.seq <= this.lastSeq) return;
    this.lastSeq = point.seq;
    this.handlers.metric(point);
  }
}
