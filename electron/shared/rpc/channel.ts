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

/** A channel's closing, told once to every listener, including one added after the close. */
export class CloseSignal {
  readonly #listeners = new Set<() => void>();
  #closed = false;

  constructor(closed = false) {
    this.#closed = closed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Marks the channel closed and runs the listeners; later calls do nothing. */
  fire(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#listeners) listener();
    this.#listeners.clear();
  }

  /** What RpcChannel.onClose returns: the remover, or a no-op when the listener already ran. */
  listen(listener: () => void): () => void {
    if (this.#closed) {
      listener();
      return () => undefined;
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
