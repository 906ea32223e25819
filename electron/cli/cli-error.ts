// A refusal of the terminal client itself (a missing file, an unknown name), printed as its one line.
export class CliError extends Error {
  override readonly name = 'CliError';
}
