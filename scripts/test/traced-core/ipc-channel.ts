// RpcChannel over Node's child-process IPC, from either end: the parent's ChildProcess or the child's own process.
import { CloseSignal, type RpcChannel } from '../../../electron/shared/rpc/index.js';

/** What ChildProcess and process (when started with an IPC channel) have in common. */
export interface IpcEndpoint {
  send?(message: unknown): boolean;
  readonly connected?: boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  disconnect?(): void;
}

/** Messages travel with `serialization: 'advanced'` (structured clone) when both ends are started that way. */
export function channelFromIpc(endpoint: IpcEndpoint): RpcChannel {
  const send = endpoint.send?.bind(endpoint);
  if (send === undefined) throw new Error('this process has no IPC channel: start it with stdio "ipc"');
  const closing = new CloseSignal(endpoint.connected === false);
  endpoint.on('disconnect', () => closing.fire());
  return {
    send(message) {
      if (!closing.closed && endpoint.connected !== false) send(message);
    },
    onMessage(listener) {
      endpoint.on('message', listener);
      return () => endpoint.off('message', listener);
    },
    onClose: (listener) => closing.listen(listener),
    close() {
      if (endpoint.connected !== false) endpoint.disconnect?.();
      closing.fire();
    },
  };
}
