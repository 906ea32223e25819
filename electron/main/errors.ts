// Named errors of the Electron main process.

export class CoreProcessError extends Error {
  override readonly name = 'CoreProcessError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
