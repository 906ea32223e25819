// Two ends of an RPC channel inside one process, as Electron's MessageChannelMain would be: messages are cloned and arrive on a later turn.
import { CloseSignal, type RpcChannel } from '../shared/rpc/index.js';

/** A connected pair: what one end sends the other hears, and closing either closes both. */
export function inProcessChannelPair(): [RpcChannel, RpcChannel] {
  const closing = new CloseSignal();
  const listeners: [Set<(message: unknown) => void>, Set<(message: unknown) => void>] = [new Set(), new Set()];
  const end = (mine: 0 | 1): RpcChannel => ({
    send(message) {
      if (closing.closed) return;
      // A copy, as across processes: neither side can hold or change the other's objects.
      const copy = structuredClone(message);
      setImmediate(() => {
        if (!closing.closed) for (const listener of listeners[mine === 0 ? 1 : 0]) listener(copy);
      });
    },
    onMessage(listener) {
      listeners[mine].add(listener);
      return () => listeners[mine].delete(listener);
    },
    onClose: (listener) => closing.listen(listener),
    close: () => closing.fire(),
  });
  return [end(0), end(1)];
}
