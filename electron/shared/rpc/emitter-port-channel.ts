// Channel adapter for Electron's MessagePortMain (main process and utility process), typed by shape so the core never imports electron.
import { CloseSignal, type RpcChannel } from './channel.js';

/** The parts of Electron's `MessagePortMain` used here. */
export interface EmitterPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { readonly data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'message', listener: (event: { readonly data: unknown }) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

/** Structured clone carries the messages as they are; `close` fires on both ends. */
export function channelFromEmitterPort(port: EmitterPortLike): RpcChannel {
  const closing = new CloseSignal();
  port.on('close', () => closing.fire());
  port.start();
  return {
    send(message) {
      if (!closing.closed) port.postMessage(message);
    },
    onMessage(listener) {
      const forward = (event: { readonly data: unknown }): void => listener(event.data);
      port.on('message', forward);
      return () => port.off('message', forward);
    },
    onClose: (listener) => closing.listen(listener),
    close() {
      port.close();
      closing.fire();
    },
  };
}
