// Named errors of web mode and the launcher.

export class RendererNotBuiltError extends Error {
  override readonly name = 'RendererNotBuiltError';
  constructor(
    readonly rendererDir: string,
    options?: ErrorOptions,
  ) {
    super(`The renderer is not built: ${rendererDir}/index.html is missing. Build it with: npx vite build --config renderer/vite.config.ts`, options);
  }
}

export class WebServerStartError extends Error {
  override readonly name = 'WebServerStartError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export class ElectronRuntimeFetchError extends Error {
  override readonly name = 'ElectronRuntimeFetchError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
