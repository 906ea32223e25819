// Named errors of groups: why a roster operation or a group message was refused, in words a person understands.

/** Bytes that claim to be a roster operation or a group message are not one: damaged or hostile, refused whole. */
export class GroupFormatError extends Error {
  override readonly name = 'GroupFormatError';
}

/** Why an operation's place in the log is wrong. */
export type BrokenChainReason = 'missing-parent' | 'no-parent' | 'create-has-parents' | 'second-create' | 'no-create';

/** A roster operation was refused: nothing of it was applied. `operationHash` names it (hex SHA-256 of its body). */
export abstract class RosterOperationError extends Error {
  readonly operationHash: string;

  constructor(operationHash: string, message: string) {
    super(message);
    this.operationHash = operationHash;
  }
}

export class BadOperationSignatureError extends RosterOperationError {
  override readonly name = 'BadOperationSignatureError';
  readonly author: string;

  constructor(operationHash: string, author: string) {
    super(operationHash, `A roster operation claiming to come from ${author} is not signed by that address's key`);
    this.author = author;
  }
}

export class AuthorNotMemberError extends RosterOperationError {
  override readonly name = 'AuthorNotMemberError';
  readonly author: string;

  constructor(operationHash: string, author: string) {
    super(operationHash, `${author} changed the roster of a group they are not a member of`);
    this.author = author;
  }
}

export class AuthorNotAllowedError extends RosterOperationError {
  override readonly name = 'AuthorNotAllowedError';
  readonly author: string;

  constructor(operationHash: string, author: string, why: string) {
    super(operationHash, `${author} is not allowed to do this: ${why}`);
    this.author = author;
  }
}

export class BrokenChainError extends RosterOperationError {
  override readonly name = 'BrokenChainError';
  readonly reason: BrokenChainReason;

  constructor(operationHash: string, reason: BrokenChainReason) {
    const why: Record<BrokenChainReason, string> = {
      'missing-parent': 'it follows an operation this log does not hold (yet)',
      'no-parent': 'it names no previous operation',
      'create-has-parents': 'a creation cannot follow anything',
      'second-create': 'the group was created already',
      'no-create': 'the group has not been created',
    };
    super(operationHash, `A roster operation does not fit the log: ${why[reason]}`);
    this.reason = reason;
  }
}

/** The log holds this very operation already: delivered twice, or replayed. Drop it. */
export class ReplayedOperationError extends RosterOperationError {
  override readonly name = 'ReplayedOperationError';

  constructor(operationHash: string) {
    super(operationHash, 'This roster operation was received before');
  }
}

/** An operation of another group was offered to this group's log. */
export class UnknownGroupError extends RosterOperationError {
  override readonly name = 'UnknownGroupError';
  readonly groupId: string;

  constructor(operationHash: string, groupId: string) {
    super(operationHash, `A roster operation names group ${groupId}, which is not this group`);
    this.groupId = groupId;
  }
}

/** A member card whose Signal identity key is not signed by the member's onion key. */
export class InvalidMemberBindingError extends RosterOperationError {
  override readonly name = 'InvalidMemberBindingError';
  readonly member: string;

  constructor(operationHash: string, member: string) {
    super(operationHash, `The Signal identity key given for ${member} is not signed by that address's key`);
    this.member = member;
  }
}

/** Why a change makes no sense for the roster it is applied to. */
export type InvalidRosterChangeReason = 'already-member' | 'not-member' | 'owner-not-author' | 'id-not-committed' | 'uncommitted-create';

export class InvalidRosterChangeError extends RosterOperationError {
  override readonly name = 'InvalidRosterChangeError';
  readonly reason: InvalidRosterChangeReason;

  constructor(operationHash: string, reason: InvalidRosterChangeReason, member: string) {
    const why: Record<InvalidRosterChangeReason, string> = {
      'already-member': `${member} is a member already`,
      'not-member': `${member} is not a member`,
      'owner-not-author': `the group's creator must be its owner, not ${member}`,
      'id-not-committed': `the group id is not the one ${member}'s creation commits to, so this is not the creation of this group`,
      'uncommitted-create': `${member}'s creation carries no nonce the group id commits to; only a log stored before nonces existed may start so`,
    };
    super(operationHash, `A roster change does not apply: ${why[reason]}`);
    this.reason = reason;
  }
}

/**
 * An operation by someone whose removal or demotion already stands in this log, written without seeing it, that would
 * have no effect here (void, or a repeat): refused so a removed member cannot grow the log. Acknowledge and drop it.
 */
export class RevokedAuthorError extends RosterOperationError {
  override readonly name = 'RevokedAuthorError';
  readonly author: string;

  constructor(operationHash: string, author: string) {
    super(operationHash, `${author} was removed or demoted; this operation, written as if they had not been, would change nothing`);
    this.author = author;
  }
}

/** The log holds as many operations or bytes as a group may keep: nothing more is taken. Acknowledge and drop it. */
export class RosterLogFullError extends RosterOperationError {
  override readonly name = 'RosterLogFullError';
  readonly limit: 'operations' | 'bytes';

  constructor(operationHash: string, limit: 'operations' | 'bytes', max: number) {
    super(operationHash, `The group's roster log is full (at most ${String(max)} ${limit}); the operation was not kept`);
    this.limit = limit;
  }
}

/** A group frame from someone the roster does not hold: never a member, or removed. */
export class NotAGroupMemberError extends Error {
  override readonly name = 'NotAGroupMemberError';
  readonly sender: string;
  readonly groupId: string;

  constructor(sender: string, groupId: string) {
    super(`${sender} is not a member of group ${groupId}; their group message is refused`);
    this.sender = sender;
    this.groupId = groupId;
  }
}

/** A group message with this (sender, distribution id, chain id, iteration) was received before. Drop it. */
export class ReplayedGroupMessageError extends Error {
  override readonly name = 'ReplayedGroupMessageError';
  readonly dedupKey: string;

  constructor(dedupKey: string, options?: { cause?: unknown }) {
    super(`A group message was received before (${dedupKey})`, options);
    this.dedupKey = dedupKey;
  }
}

/** No sender key is held for this sender and distribution: it was never distributed to us, or we were removed. */
export class MissingSenderKeyError extends Error {
  override readonly name = 'MissingSenderKeyError';
  readonly sender: string;

  constructor(sender: string, options?: { cause?: unknown }) {
    super(`No sender key of ${sender} is held for this group's current keys`, options);
    this.sender = sender;
  }
}

/** A sender key distribution for keys other than the roster's current ones (older or newer): not applied. */
export class StaleDistributionError extends Error {
  override readonly name = 'StaleDistributionError';
  readonly sender: string;

  constructor(sender: string, distributionId: string, expected: string) {
    super(`${sender} distributed a sender key for ${distributionId}, but this group's keys are ${expected}`);
    this.sender = sender;
  }
}

/** A group message failed to decrypt or authenticate; the sender keys are unchanged. */
export class GroupDecryptionError extends Error {
  override readonly name = 'GroupDecryptionError';
  readonly sender: string;

  constructor(sender: string, options?: { cause?: unknown }) {
    super(`A group message from ${sender} failed to decrypt or authenticate`, options);
    this.sender = sender;
  }
}

/** libsignal refused to encrypt with a sender key we hold: the record is damaged; nothing was sent. */
export class GroupEncryptionError extends Error {
  override readonly name = 'GroupEncryptionError';

  constructor(groupId: string, options?: { cause?: unknown }) {
    super(`Signal could not encrypt a message for group ${groupId}`, options);
  }
}
