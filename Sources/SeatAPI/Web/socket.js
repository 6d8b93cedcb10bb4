// The showtime's WebSocket: events in, seat operations out, each answered by its id. The
// token goes in the first message, never in the URL. A dropped socket is opened again,
// waiting a little longer each time (to 5 s); `onState` hears 'open' and 'closed'.

import { ApiError, unreachable } from './api.js';
import * as session from './session.js';

export class SeatSocket {
  constructor(showtime, { onEvent, onState }) {
    this.showtime = showtime;
    this.onEvent = onEvent;
    this.onState = onState;
    this.pending = new Map();
    this.nextID = 1;
    this.retryDelay = 250;
    this.ready = false;
    this.stopped = false;
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${window.location.host}/api/v1/showtimes/${this.showtime}/ws`);
    this.socket = socket;
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ id: 'auth', op: 'auth', token: session.token() }));
    });
    socket.addEventListener('message', (message) => this.received(message.data));
    socket.addEventListener('close', () => {
      const wasReady = this.ready;
      this.ready = false;
      for (const { reject, timer } of this.pending.values()) {
        clearTimeout(timer);
        reject(unreachable('the live connection closed'));
      }
      this.pending.clear();
      if (wasReady || this.retryDelay >= 1000) this.onState('closed');
      setTimeout(() => this.connect(), this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, 5000);
    });
  }

  received(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.event) {
      this.onEvent(message.event, message.data);
      return;
    }
    if (message.id === 'auth') {
      if (message.status === 200) {
        this.ready = true;
        this.retryDelay = 250;
        this.onState('open');
      } else {
        this.onState('refused', new ApiError(message.status, message.body));
        this.stop();
      }
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.status >= 200 && message.status < 400) waiting.resolve({ status: message.status, body: message.body });
    else waiting.reject(new ApiError(message.status, message.body));
  }

  /** Sends `op` with its fields; resolves `{status, body}` as HTTP would answer. */
  send(op, fields = {}, timeout = 5000) {
    if (!this.ready) return Promise.reject(unreachable('no live connection'));
    const id = String(this.nextID++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(unreachable('no answer in time'));
      }, timeout);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ id, op, ...fields }));
    });
  }

  stop() {
    this.stopped = true;
    this.socket?.close();
  }
}
