// Exhaustiveness helper for switches over unions: a compile error when a case is missing.

/** Call in the `default` branch of a switch that handles every member of a union. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
