// Named errors of the tor runtime: binary discovery, configuration, process supervision, publishing.

/** No tor executable was found in any of the places Allium looks. */
export class TorBinaryNotFoundError extends Error {
  override readonly name = 'TorBinaryNotFoundError';
  constructor(readonly searched: readonly string[]) {
    super(
      `No tor executable found. Looked for:\n${searched.map((s) => `  - ${s}`).join('\n')}\n` +
        'Install tor (e.g. `apt-get install tor`), run `npm run fetch-tor`, or set ALLIUM_TOR_BINARY to its path.',
    );
  }
}

/** A torrc line given by settings or ALLIUM_TORRC_EXTRA is not acceptable. */
export class TorConfigError extends Error {
  override readonly name = 'TorConfigError';
}

/** tor did not start, exited, or its control port could not be reached. */
export class TorProcessError extends Error {
  override readonly name = 'TorProcessError';
  constructor(
    message: string,
    readonly recentLog: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(recentLog.length > 0 ? `${message}\nLast lines from tor:\n${recentLog.join('\n')}` : message, options);
  }
}

/** The runtime was used in a state that does not allow it (e.g. publishing before start). */
export class TorRuntimeStateError extends Error {
  override readonly name = 'TorRuntimeStateError';
}

/** tor refused to publish an onion service. */
export class OnionPublishError extends Error {
  override readonly name = 'OnionPublishError';
}
