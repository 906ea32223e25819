// Named errors of fetch-tor: each says what is wrong and leaves nothing half unpacked.

export class NoPinnedBundleError extends Error {
  override readonly name = 'NoPinnedBundleError';
  constructor(
    readonly target: string,
    tableFile: string,
  ) {
    super(`no pinned hash for ${target} in ${tableFile}: add the bundle's SHA-256 from the Tor Project's signed sha256sums before fetching it`);
  }
}

export class BundleTableError extends Error {
  override readonly name = 'BundleTableError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`SHA-256 mismatch for ${file}: expected ${expected}, got ${actual}. Refusing to unpack it (a corrupt or tampered download).`);
  }
}

export class UnsafeArchiveError extends Error {
  override readonly name = 'UnsafeArchiveError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
