// The one thing the RPC layer needs from a transport: send a message, hear messages, learn when it closes.

/** A bidirectional message channel; adapters over MessagePort and WebSocket implement it. */
export interface RpcChannel {
  /** Sends one protocol message. Sending on a closed channel is ignored by adapters. */
  send(message: unknown): void;
  /** Returns a function that removes the listener. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Called once when the channel closes, from either side. Returns a function that removes the listener. */
  onClose(listener: () => void): () => void;
  /** Closes the channel; `onClose` listeners run. */
  close(): void;
}
