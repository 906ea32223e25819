// Named errors of the identity module, each with a machine-readable reason and a message a person understands.

/** Why a typed onion address was refused; the extra fields let a UI point at the mistake. */
export type OnionAddressProblem =
  | { readonly reason: 'empty' }
  | { readonly reason: 'url' }
  | { readonly reason: 'suffix'; readonly suffix: string }
  | { readonly reason: 'subdomain' }
  | { readonly reason: 'alphabet'; readonly character: string; readonly position: number }
  | { readonly reason: 'length'; readonly length: number }
  | { readonly reason: 'version'; readonly version: number }
  | { readonly reason: 'checksum' }
  | { readonly reason: 'key' };

export type OnionAddressErrorReason = OnionAddressProblem['reason'];

/** Thrown when a string is not a valid Tor v3 onion address. */
export class OnionAddressError extends Error {
  override readonly name = 'OnionAddressError';
  readonly reason: OnionAddressErrorReason;
  readonly problem: OnionAddressProblem;

  constructor(problem: OnionAddressProblem) {
    super(describeOnionAddressProblem(problem));
    this.reason = problem.reason;
    this.problem = problem;
  }
}

function describeOnionAddressProblem(problem: OnionAddressProblem): string {
  switch (problem.reason) {
    case 'empty':
      return 'No address was given; an onion address has 56 characters (letters a–z and digits 2–7), optionally followed by .onion';
    case 'url':
      return 'This looks like a link, not an address; enter only the 56-character onion address (optionally followed by .onion), without http://, a port or a path';
    case 'suffix':
      return `The address ends in '.${problem.suffix}'; onion addresses end in .onion`;
    case 'subdomain':
      return 'The address has a subdomain; enter only the 56 characters just before .onion';
    case 'alphabet':
      return `Character '${problem.character}' at position ${problem.position} cannot appear in an onion address (letters a–z and digits 2–7 only)`;
    case 'length':
      return `The address has ${problem.length} ${problem.length === 1 ? 'character' : 'characters'}; an onion address has 56 (plus optional .onion)`;
    case 'version':
      return `This is a version ${problem.version} onion address; only version 3 addresses are supported`;
    case 'checksum':
      return 'The checksum does not match: probably a typo in the address';
    case 'key':
      return 'This address is well formed but holds a degenerate key that nobody can own; it cannot be a real onion service';
    default:
      return missingCase(problem);
  }
}

/** Thrown when key material has the wrong size: a programming error, not a user's typo. */
export class OnionKeyError extends Error {
  override readonly name = 'OnionKeyError';
  readonly reason: 'public-key-length' | 'seed-length';

  constructor(reason: 'public-key-length' | 'seed-length', actualLength: number) {
    const what = reason === 'seed-length' ? 'An ed25519 seed' : 'An ed25519 public key';
    super(`${what} has 32 bytes; got ${actualLength}`);
    this.reason = reason;
  }
}

function missingCase(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
