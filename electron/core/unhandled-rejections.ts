// The core's last line for background work nobody awaited: an unhandled rejection is logged and the core keeps running.

/** How a rejection is written to the log: the error's name, message and stack (our errors carry no key material). */
export function describeRejection(reason: unknown): string {
  if (reason instanceof Error) return reason.stack ?? `${reason.name}: ${reason.message}`;
  return `a non-error value (${typeof reason})`;
}

/**
 * Installs a process-wide `unhandledRejection` handler that logs and keeps the process alive (Node's default ends it,
 * which would close web mode and restart the Electron core locked). It is a net, not the fix: every background task
 * catches its own failures; what lands here is a bug to fix, so it is logged loudly, never dropped. Returns the
 * uninstaller.
 */
export function keepRunningOnUnhandledRejection(log: (line: string) => void): () => void {
  const handler = (reason: unknown): void => log(`BUG: a background task failed and nobody handled it; the core keeps running: ${describeRejection(reason)}`);
  process.on('unhandledRejection', handler);
  return () => process.off('unhandledRejection', handler);
}
