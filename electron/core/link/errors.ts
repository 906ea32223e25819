// Named errors of the link layer: connections lost during a handshake, sends that cannot happen, listener misuse.

/** The stream closed or failed before the handshake finished. */
export class HandshakeConnectionError extends Error {
  override readonly name = 'HandshakeConnectionError';
}

/** A frame was sent on a link that is closing or closed. */
export class LinkClosedError extends Error {
  override readonly name = 'LinkClosedError';
  constructor(readonly peer: string) {
    super(`The link to ${peer} is closed.`);
  }
}

/** The peer reads too slowly: the frame was not queued, so memory stays bounded. Wait for 'drain' and send again. */
export class SendBufferFullError extends Error {
  override readonly name = 'SendBufferFullError';
  constructor(
    readonly peer: string,
    readonly queuedBytes: number,
  ) {
    super(`${String(queuedBytes)} bytes already wait to be sent to ${peer}; wait for 'drain'.`);
  }
}

/** The link manager has no open link to this peer. */
export class NoLinkError extends Error {
  override readonly name = 'NoLinkError';
  constructor(readonly peer: string) {
    super(`There is no open link to ${peer}.`);
  }
}

/** The listener or manager was used in a state that does not allow it (e.g. listen twice, or after close). */
export class LinkStateError extends Error {
  override readonly name = 'LinkStateError';
}
