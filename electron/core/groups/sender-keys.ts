// Signal sender keys for groups: one distribution per key epoch, encrypt once for all, decrypt with replay refusal.
import {
  ErrorCode,
  groupDecrypt,
  groupEncrypt,
  LibSignalErrorBase,
  processSenderKeyDistributionMessage,
  ProtocolAddress,
  SenderKeyDistributionMessage,
  SenderKeyMessage,
} from '@signalapp/libsignal-client';
import { KeyedQueue } from '../signal/keyed-queue.js';
import { DEVICE_ID } from '../signal/prekey-bundle.js';
import {
  GroupDecryptionError,
  GroupEncryptionError,
  GroupFormatError,
  MissingSenderKeyError,
  NotAGroupMemberError,
  ReplayedGroupMessageError,
  StaleDistributionError,
} from './errors.js';
import { distributionIdFor } from './group-ids.js';
import type { KeyValueStore } from './key-value-store.js';
import { dedupKeyString, ReplayGuard, type GroupMessageKey } from './replay-guard.js';
import type { Roster } from './roster.js';
import { KeyValueSenderKeyStore } from './sender-key-store.js';

/** A sender key distribution message and who must receive it, each over their 1:1 Signal session. */
export interface SenderKeyDistribution {
  readonly distributionId: string;
  readonly message: Uint8Array;
  /** The roster's members but us: never anyone removed. */
  readonly recipients: readonly string[];
}

export interface ReceivedGroupMessage {
  readonly plaintext: Uint8Array;
  readonly key: GroupMessageKey;
}


export class GroupSenderKeys {
  readonly #localAddress: string;
  readonly #store: KeyValueSenderKeyStore;
  readonly #replays: ReplayGuard;
  /** libsignal reads a sender key record, awaits, then writes it: two interleaved uses would step from one state. */
  readonly #queue = new KeyedQueue();
  /** Each ProtocolAddress is a native object: made once per member, not once per message. */
  readonly #addresses = new Map<string, ProtocolAddress>();

  constructor(localAddress: string, store: KeyValueStore) {
    this.#localAddress = localAddress;
    this.#store = new KeyValueSenderKeyStore(store);
    this.#replays = new ReplayGuard(store);
  }

  /**
   * Our sender key of the roster's current epoch (made on first use) as a distribution message for every other
   * member. Sent when the group is created or joined, to a newly added member, and after every removal.
   */
  async distribution(roster: Roster): Promise<SenderKeyDistribution> {
    this.#requireMember(roster, this.#localAddress);
    const distributionId = distributionIdFor(roster);
    const message = await this.#queue.run(this.#localAddress, () =>
      SenderKeyDistributionMessage.create(this.#protocolAddress(this.#localAddress), distributionId, this.#store),
    );
    const recipients = [...roster.members.keys()].filter((address) => address !== this.#localAddress);
    return { distributionId, message: message.serialize(), recipients };
  }

  /**
   * After a removal (`next` has a new key epoch): forgets our sender key of `previous`, so nothing more is sent with
   * a key the removed member holds, and starts a new one distributed to `next`'s members only.
   */
  async rekey(previous: Roster, next: Roster): Promise<SenderKeyDistribution> {
    const old = distributionIdFor(previous);
    if (old !== distributionIdFor(next)) {
      await this.#queue.run(this.#localAddress, () => this.#store.deleteSenderKey(this.#protocolAddress(this.#localAddress), old));
    }
    return this.distribution(next);
  }

  /** Takes a member's sender key for the roster's current epoch, received over our 1:1 session with them. */
  async processDistribution(roster: Roster, sender: string, bytes: Uint8Array): Promise<void> {
    this.#requireMember(roster, sender);
    let message: SenderKeyDistributionMessage;
    try {
      message = SenderKeyDistributionMessage.deserialize(Uint8Array.from(bytes));
    } catch (error) {
      throw new GroupFormatError(`A sender key distribution from ${sender} is malformed.`, { cause: error });
    }
    const expected = distributionIdFor(roster);
    if (message.distributionId() !== expected) throw new StaleDistributionError(sender, message.distributionId(), expected);
    await this.#queue.run(sender, () => processSenderKeyDistributionMessage(this.#protocolAddress(sender), message, this.#store));
  }

  /** One ciphertext for every member, under our sender key of the roster's current epoch. */
  async encrypt(roster: Roster, plaintext: Uint8Array): Promise<Uint8Array> {
    this.#requireMember(roster, this.#localAddress);
    const distributionId = distributionIdFor(roster);
    const local = this.#protocolAddress(this.#localAddress);
    return this.#queue.run(this.#localAddress, async () => {
      try {
        return (await groupEncrypt(local, distributionId, this.#store, Uint8Array.from(plaintext))).serialize();
      } catch (error) {
        if (!(await this.#store.hasSenderKey(local, distributionId))) throw new MissingSenderKeyError(this.#localAddress, { cause: error });
        throw new GroupEncryptionError(roster.groupId, { cause: error });
      }
    });
  }

  /**
   * Decrypts `sender`'s group message. Refused: a sender the roster does not hold (never a member, or removed), a
   * message seen before, one whose sender key we do not hold (not distributed to us: e.g. we were removed).
   */
  async decrypt(roster: Roster, sender: string, ciphertext: Uint8Array): Promise<ReceivedGroupMessage> {
    this.#requireMember(roster, sender);
    const bytes = Uint8Array.from(ciphertext);
    let message: SenderKeyMessage;
    try {
      message = SenderKeyMessage.deserialize(bytes);
    } catch (error) {
      throw new GroupFormatError(`A group message from ${sender} is malformed.`, { cause: error });
    }
    const key: GroupMessageKey = { sender, distributionId: message.distributionId(), chainId: message.chainId(), iteration: message.iteration() };
    return this.#queue.run(sender, async () => {
      await this.#replays.check(key);
      let plaintext: Uint8Array;
      try {
        plaintext = await groupDecrypt(this.#protocolAddress(sender), this.#store, bytes);
      } catch (error) {
        // libsignal reports a missing key as a generic error: the store tells which it was.
        if (!(await this.#store.hasSenderKey(this.#protocolAddress(sender), key.distributionId))) throw new MissingSenderKeyError(sender, { cause: error });
        if (LibSignalErrorBase.is(error, ErrorCode.DuplicatedMessage)) throw new ReplayedGroupMessageError(dedupKeyString(key), { cause: error });
        throw new GroupDecryptionError(sender, { cause: error });
      }
      await this.#replays.record(key);
      return { plaintext, key };
    });
  }

  #protocolAddress(address: string): ProtocolAddress {
    let known = this.#addresses.get(address);
    if (known === undefined) {
      known = ProtocolAddress.new(address, DEVICE_ID);
      this.#addresses.set(address, known);
    }
    return known;
  }

  #requireMember(roster: Roster, address: string): void {
    if (!roster.members.has(address)) throw new NotAGroupMemberError(address, roster.groupId);
  }
}
