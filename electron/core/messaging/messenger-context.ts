// What every part of the messenger shares: the profile's services, the outbox, the live state and work chain per peer, events, log.
import type { EventEmitter } from 'node:events';
import type { OnionAddress } from '../../shared/onion-address/index.js';
import type { OnionKey } from '../identity/index.js';
import type { AuthenticatedStream, LinkManager } from '../link/index.js';
import type { RelayClient } from '../relay-client/index.js';
import type { SignalSessions } from '../signal/index.js';
import type { ProfileSession, ProfileState, StateMutators, StoredFile } from '../store/index.js';
import type { ContactRequestFrame } from '../protocol/index.js';
import type { FileDto, MessageDto } from '../../shared/api/index.js';
import type { Envelope, FileEnvelopeBody, FileOffer, GroupEnvelopeBody } from './envelope.js';
import type { LiveStates } from './live-state.js';
import type { MessagingEventArgs } from './messaging-events.js';
import type { Outbox } from './outbox/outbox.js';
import type { PeerChains } from './peer-chains.js';
import type { RequestLimiter } from './request-limiter.js';

export interface MessengerOptions {
  readonly localAddress: OnionAddress;
  /** Signs our group roster operations. */
  readonly onionKey: OnionKey;
  readonly session: ProfileSession;
  readonly signal: SignalSessions;
  readonly links: LinkManager;
  readonly limiter?: RequestLimiter;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
  /** The profile's files folder; files are offered and fetched when given, with `dialFile` to reach senders. */
  readonly filesDir?: string;
  readonly dialFile?: (peer: OnionAddress) => Promise<AuthenticatedStream>;
  /** Where files.save writes when the profile names no folder. */
  readonly downloadsDir?: () => string;
  /** A client for any relay, for copies of files left at relays. */
  readonly relayClient?: (relay: OnionAddress) => RelayClient | undefined;
  /** Files: how long a cut transfer waits to be tried again, and the free space where files are kept (tests set them). */
  readonly fileRetryMs?: number;
  readonly fileFreeSpace?: (dir: string) => Promise<number>;
}

/** What a group request's receipt tells its sender. */
export type GroupRequestAnswer = 'received' | 'rate-limited' | 'expired-invitation' | 'waiting-for-admin';

/** What messaging hands to the group part (messaging/groups/). */
export interface GroupHooks {
  /** A sequenced group envelope from a peer: applied or refused in one state write that also runs `stored`. */
  receive(peer: OnionAddress, envelope: Envelope, body: GroupEnvelopeBody, stored: (tx: StateMutators) => void): Promise<void>;
  /** A contact request made for a group (it names one), from someone who is not our contact: what its receipt says. */
  request(peer: OnionAddress, frame: ContactRequestFrame & { group: NonNullable<ContactRequestFrame['group']> }): Promise<GroupRequestAnswer>;
  /** The admin we asked to let us in (by a contact request) answered that an admin must approve it. */
  requestWaits(admin: OnionAddress, groupId: string, why: 'expired' | 'ask'): Promise<void>;
  /** A fellow member who is not a contact changed (link, presence): their groups are shown anew. */
  memberChanged(address: string): void;
  /** A contact's session is ready (they accepted us, or we them): a join that waited for it goes now. */
  contactAccepted(address: OnionAddress): void;
  /** The group's members but us (empty if we are not in it). */
  membersOf(groupId: string): string[];
  /** One of our group messages as the API shows it (files look up their messages through this). */
  messageOf(groupId: string, id: string): Promise<MessageDto | undefined>;
}

/** What messaging hands to the file part (messaging/files/). */
export interface FileHooks {
  /** A sequenced file offer or cancellation from a contact: stored in one state write that also runs `stored`. */
  receive(peer: OnionAddress, envelope: Envelope, body: FileEnvelopeBody, stored: (tx: StateMutators) => void): Promise<void>;
  /** The file a stored message carries, as the API shows it. */
  dtoFor(id: string): FileDto | undefined;
  /** A group member's file offer arrived in a group message: its record, to store with the message. */
  groupOffer(groupId: string, from: OnionAddress, offer: FileOffer): StoredFile;
  /** The group file's record is stored: fetch it if it is small enough (or was accepted). */
  afterGroupOffer(id: string): void;
}

/** Made once by the Messenger and handed to each of its parts. */
export interface MessengerContext {
  readonly localAddress: OnionAddress;
  readonly onionKey: OnionKey;
  readonly groups: GroupHooks;
  readonly files: FileHooks;
  readonly session: ProfileSession;
  readonly state: ProfileState;
  readonly signal: SignalSessions;
  readonly links: LinkManager;
  readonly limiter: RequestLimiter;
  readonly now: () => number;
  readonly log: (line: string) => void;
  readonly live: LiveStates;
  readonly chains: PeerChains;
  readonly outbox: Outbox;
  /** The Messenger itself, which the core listens to (electron/core/api-events.ts). */
  readonly events: Pick<EventEmitter<MessagingEventArgs>, 'emit'>;
  /** True once the messenger is stopped: nothing is sent any more and every caller is refused. */
  readonly stopped: () => boolean;
}
