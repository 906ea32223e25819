// Channel adapters for the page: a DOM MessagePort (Electron) or a browser WebSocket (web mode), typed by shape so shared needs no DOM library.
import { CloseSignal, type RpcChannel } from './channel.js';

/** What listeners read from a DOM event; `type` is there so a plain `Event` matches this shape. */
export interface ChannelEvent {
  readonly type: string;
  readonly data?: unknown;
}

/** The parts of a DOM `MessagePort` used here. Electron adds the `close` event. */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'close', listener: (event: ChannelEvent) => void): void;
  removeEventListener(type: 'message' | 'close', listener: (event: ChannelEvent) => void): void;
  start(): void;
  close(): void;
}

/** The parts of a browser `WebSocket` used here (the `ws` package's client has the same shape). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'message', listener: (event: ChannelEvent) => void): void;
  removeEventListener(type: 'open' | 'close' | 'message', listener: (event: ChannelEvent) => void): void;
}

const WEBSOCKET_OPEN = 1;
const WEBSOCKET_CLOSED = 3;

/** Structured clone carries the messages as they are. */
export function channelFromMessagePort(port: MessagePortLike): RpcChannel {
  const closing = new CloseSignal();
  port.addEventListener('close', () => closing.fire());
  port.start();
  return {
    send(message) {
      if (!closing.closed) port.postMessage(message);
    },
    onMessage(listener) {
      const forward = (event: ChannelEvent): void => listener(event.data);
      port.addEventListener('message', forward);
      return () => port.removeEventListener('message', forward);
    },
    onClose: (listener) => closing.listen(listener),
    close() {
      port.close();
      // The DOM does not fire `close` on the side that closes.
      closing.fire();
    },
  };
}

/** JSON text frames; messages sent before the socket opens wait for it, frames that are not JSON are dropped. */
export function channelFromWebSocket(socket: WebSocketLike): RpcChannel {
  const queued: string[] = [];
  const closing = new CloseSignal(socket.readyState === WEBSOCKET_CLOSED);
  socket.addEventListener('open', () => {
    for (const text of queued.splice(0)) socket.send(text);
  });
  socket.addEventListener('close', () => {
    queued.length = 0;
    closing.fire();
  });
  return {
    send(message) {
      if (closing.closed) return;
      const text = JSON.stringify(message);
      if (socket.readyState === WEBSOCKET_OPEN) socket.send(text);
      else queued.push(text);
    },
    onMessage(listener) {
      const forward = (event: ChannelEvent): void => {
        if (typeof event.data !== 'string') return;
        let message: unknown;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        listener(message);
      };
      socket.addEventListener('message', forward);
      return () => socket.removeEventListener('message', forward);
    },
    onClose: (listener) => closing.listen(listener),
    close() {
      socket.close(1000, 'closed by client');
      queued.length = 0;
      closing.fire();
    },
  };
}
