// The server's end of a WebSocket as an RPC channel: JSON text frames, binary and unparsable frames dropped.
import { WebSocket } from 'ws';
import type { RpcChannel } from '../shared/rpc/index.js';

export function channelFromServerSocket(socket: WebSocket): RpcChannel {
  return {
    send(message) {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
    onMessage(listener) {
      const forward = (data: WebSocket.RawData, isBinary: boolean): void => {
        if (isBinary) return;
        let message: unknown;
        try {
          message = JSON.parse(rawText(data));
        } catch {
          return;
        }
        listener(message);
      };
      socket.on('message', forward);
      return () => socket.off('message', forward);
    },
    onClose(listener) {
      if (socket.readyState === WebSocket.CLOSED) {
        listener();
        return () => undefined;
      }
      const once = (): void => listener();
      socket.once('close', once);
      return () => socket.off('close', once);
    },
    close() {
      socket.close(1000, 'closed by Allium');
    },
  };
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
