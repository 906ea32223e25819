// Named errors of the peer-link bench: a step that did not finish in time, or an answer that came back wrong.

/** A bench step waited longer than its deadline; `what` names the step so a stuck run says where it stuck. */
export class BenchTimeoutError extends Error {
  override readonly name = 'BenchTimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`peer-link bench: timed out after ${String(timeoutMs)} ms waiting for ${what}`, options);
  }
}

/** Something the bench measures misbehaved (a wrong echo, a failed message), so its figures would be meaningless. */
export class BenchFailureError extends Error {
  override readonly name = 'BenchFailureError';
  constructor(message: string, options?: ErrorOptions) {
    super(`peer-link bench: ${message}`, options);
  }
}
