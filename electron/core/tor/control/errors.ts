// Named errors of the tor control client; messages never carry secrets sent to tor.

/** Commands whose arguments are secret (keys, passwords, MACs): only their keyword may be shown. */
const SECRET_COMMANDS = new Set(['ADD_ONION', 'AUTHENTICATE', 'ONION_CLIENT_AUTH_ADD']);

/** What an error message may say about a command: the whole line, or only its keyword when it carries secrets. */
export function redactCommand(line: string): string {
  const keyword = line.trimStart().split(/\s/, 1)[0] ?? '';
  const bare = keyword.startsWith('+') ? keyword.slice(1) : keyword;
  return SECRET_COMMANDS.has(bare.toUpperCase()) ? bare : line;
}

/** tor answered a command with a 4xx or 5xx reply. */
export class TorControlError extends Error {
  override readonly name = 'TorControlError';
  /** The command, redacted as by {@link redactCommand}. */
  readonly command: string;
  readonly statusCode: number;
  readonly torMessage: string;

  constructor(command: string, statusCode: number, torMessage: string, options?: ErrorOptions) {
    const shown = redactCommand(command);
    super(`tor refused "${shown}": ${String(statusCode)} ${torMessage}`, options);
    this.command = shown;
    this.statusCode = statusCode;
    this.torMessage = torMessage;
  }
}

/** tor sent bytes that do not follow the control protocol, or more than our limits allow. */
export class ControlProtocolError extends Error {
  override readonly name = 'ControlProtocolError';

  constructor(message = 'tor sent a malformed control reply', options?: ErrorOptions) {
    super(message, options);
  }
}

/** A command got no complete reply in time; the connection is closed because the reply stream is out of step. */
export class ControlTimeoutError extends Error {
  override readonly name = 'ControlTimeoutError';
  readonly command: string;
  readonly timeoutMs: number;

  constructor(command: string, timeoutMs: number, options?: ErrorOptions) {
    const shown = redactCommand(command);
    super(`tor did not answer "${shown}" within ${String(timeoutMs)} ms`, options);
    this.command = shown;
    this.timeoutMs = timeoutMs;
  }
}

/** The control connection closed before a command was answered, or a command came after close. */
export class ControlClosedError extends Error {
  override readonly name = 'ControlClosedError';

  constructor(message = 'the tor control connection is closed', options?: ErrorOptions) {
    super(message, options);
  }
}

/** Authentication to tor's control port failed or could not be attempted. */
export class ControlAuthError extends Error {
  override readonly name = 'ControlAuthError';

  constructor(message = 'could not authenticate to tor', options?: ErrorOptions) {
    super(message, options);
  }
}

/** A command we were asked to send is not a single safe line (CR, LF or NUL would let one command smuggle another). */
export class InvalidControlCommandError extends TypeError {
  override readonly name = 'InvalidControlCommandError';

  constructor(message = 'invalid tor control command', options?: ErrorOptions) {
    super(message, options);
  }
}
