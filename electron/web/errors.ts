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

/** ALLIUM_WEB_PORT holds something that is not a port number. */
export class WebPortSettingError extends Error {
  override readonly name = 'WebPortSettingError';
  constructor(
    readonly value: string,
    options?: ErrorOptions,
  ) {
    super(`ALLIUM_WEB_PORT must be a whole number from 1 to 65535 (the port on 127.0.0.1 to serve Allium on), not "${value}". Leave it unset to use a free port.`, options);
  }
}

/** The chosen port cannot be listened on: another program holds it, or it is a privileged port. */
export class WebPortUnavailableError extends Error {
  override readonly name = 'WebPortUnavailableError';
  constructor(
    readonly port: number,
    readonly reason: 'in-use' | 'not-permitted',
    options?: ErrorOptions,
  ) {
    const why = reason === 'in-use' ? 'is already in use by another program (or another Allium)' : 'needs privileges this user does not have (ports below 1024 usually do)';
    super(`Port ${port} on 127.0.0.1 ${why}: choose another with ALLIUM_WEB_PORT, or leave it unset to use a free port.`, options);
  }
}

/** Electron's runtime could not be downloaded or unpacked. */
export class ElectronRuntimeFetchError extends Error {
  override readonly name = 'ElectronRuntimeFetchError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
