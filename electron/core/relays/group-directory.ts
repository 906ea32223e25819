// LIST and JOIN-by-name: public groups on my relays, listing our own groups there, and joining or creating one by name.
import { ApiError, type DirectoryDto, type DirectoryFailureDto, type DirectoryGroupDto, type GroupDto, type JoinPolicy } from '../../shared/api/index.js';
import { parseOnionAddress, type OnionAddress } from '../../shared/onion-address/index.js';
import { toApiError } from '../api-errors.js';
import type { OnionKey } from '../identity/index.js';
import type { GroupChat } from '../messaging/groups/group-chat.js';
import { RelayNameTakenError, type DirectoryListing, type RelayClient } from '../relay-client/index.js';
import type { ProfileState } from '../store/index.js';
import { ListingRefresh, type RefreshTimers } from './listing-refresh.js';

export interface GroupDirectoryOptions {
  readonly state: ProfileState;
  readonly groups: () => GroupChat;
  readonly client: (relay: OnionAddress) => RelayClient | undefined;
  readonly onionKey: OnionKey;
  readonly log: (line: string) => void;
  readonly now?: () => number;
  /** For tests: the timers the listing refresh waits on. */
  readonly timers?: RefreshTimers;
}

export interface ListingChoice {
  readonly relay: string;
  readonly name: string;
  readonly description: string;
  readonly policy: JoinPolicy;
}

export class GroupDirectory {
  readonly #refresh: ListingRefresh;

  constructor(private readonly options: GroupDirectoryOptions) {
    this.#refresh = new ListingRefresh({
      refresh: (groupId) => this.#refreshListing(groupId),
      now: options.now ?? Date.now,
      ...(options.timers === undefined ? {} : { timers: options.timers }),
      log: options.log,
    });
  }

  /** A group changed: our listing of it is refreshed if its member count moved, or taken down if it is no longer ours. */
  groupChanged(group: GroupDto): void {
    this.#refresh.changed(group);
  }

  stop(): void {
    this.#refresh.stop();
  }

  /**
   * Every public group on my relays, with our own listings even where a relay is not reachable. A relay that fails is
   * named with why (`failed`), beside what the others answered; when every relay fails, that is an error in words.
   */
  async list(): Promise<DirectoryDto> {
    const relays = this.options.state.relays().map((r) => r.address);
    const asked = await Promise.all(
      relays.map(async (address): Promise<DirectoryGroupDto[] | DirectoryFailureDto> => {
        try {
          return (await this.#client(address).listGroups()).map((listing) => this.#dto(address, listing));
        } catch (error) {
          const { code, message } = toApiError(error);
          this.options.log(`could not list the groups on relay ${address}: ${message}`);
          return { relay: address, code, message };
        }
      }),
    );
    const failed = asked.filter((answer): answer is DirectoryFailureDto => !Array.isArray(answer));
    if (relays.length > 0 && failed.length === relays.length) throw noRelayAnswered(failed);
    const listed = asked.filter((answer) => Array.isArray(answer)).flat();
    const own = this.options.groups().ownListings().filter((mine) => !listed.some((l) => l.relay === mine.relay && l.name === mine.name));
    const groups = [...listed, ...own].sort((a, b) => a.name.localeCompare(b.name) || a.relay.localeCompare(b.relay));
    return { groups, failed };
  }

  /** Joins the group listed under `name` on the relay (my first by default), or creates it and lists it there. */
  async joinByName(name: string, relay?: string): Promise<GroupDto> {
    const address = this.#relay(relay);
    const listing = await this.#client(address).findGroup(name);
    const groups = this.options.groups();
    if (listing !== undefined) {
      const known = this.options.state.group(listing.groupId);
      if (known !== undefined && (known.standing === 'member' || known.standing === 'joining')) return groups.get(listing.groupId);
      return groups.joinByLink(listing.invitation);
    }
    const created = await groups.create(name);
    try {
      return await this.publish(created.id, { relay: address, name, description: '', policy: 'open' });
    } catch (error) {
      // Someone took the name meanwhile: the group stays ours, unlisted, and the user hears why.
      if (error instanceof ApiError && error.code === 'name-taken') return groups.get(created.id);
      throw error;
    }
  }

  /** Lists (or updates the listing of) a group we own on one of my relays. */
  async publish(groupId: string, choice: ListingChoice): Promise<GroupDto> {
    const relay = this.#relay(choice.relay);
    const groups = this.options.groups();
    const { link, members } = groups.listingLink(groupId, choice.policy);
    const previous = this.options.state.group(groupId)?.listing ?? null;
    try {
      await this.#client(relay).publishGroup(this.options.onionKey, {
        name: choice.name,
        groupId,
        description: choice.description,
        memberCount: members,
        policy: choice.policy,
        invitation: link,
      });
    } catch (error) {
      if (error instanceof RelayNameTakenError) throw new ApiError('name-taken', `"${choice.name}" is listed by someone else on that relay.`);
      throw error;
    }
    this.#refresh.published(groupId, members);
    if (previous !== null && (previous.relay !== relay || previous.name !== choice.name)) await this.#takeDown(previous.relay, previous.name);
    return groups.setListing(groupId, { relay, name: choice.name, description: choice.description, policy: choice.policy });
  }

  async unpublish(groupId: string): Promise<GroupDto> {
    const listing = this.options.state.group(groupId)?.listing ?? null;
    if (listing !== null) await this.#takeDown(listing.relay, listing.name);
    return this.options.groups().setListing(groupId, null);
  }

  /** Publishes our listing again with the count now (resolving to it), or takes it down when the group is no longer ours. */
  async #refreshListing(groupId: string): Promise<number | undefined> {
    const listing = this.options.state.group(groupId)?.listing ?? null;
    if (listing === null) return undefined;
    const group = this.options.groups().get(groupId);
    if (group.standing !== 'member' || group.myRole !== 'owner') {
      await this.unpublish(groupId);
      return undefined;
    }
    return (await this.publish(groupId, listing)).members.length;
  }

  async #takeDown(relay: string, name: string): Promise<void> {
    try {
      await this.#client(relay).unpublishGroup(this.options.onionKey, name);
    } catch (error) {
      this.options.log(`could not take group ${name} off relay ${relay}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #dto(relay: string, listing: DirectoryListing): DirectoryGroupDto {
    const group = this.options.state.group(listing.groupId);
    return {
      relay,
      name: listing.name,
      description: listing.description,
      memberCount: listing.memberCount,
      policy: listing.policy,
      groupId: listing.groupId,
      joined: group !== undefined && (group.standing === 'member' || group.standing === 'joining'),
    };
  }

  /** One of my relays: the one named, or my first. */
  #relay(typed: string | undefined): OnionAddress {
    const relays = this.options.state.relays();
    if (relays.length === 0) throw new ApiError('relay-not-found', 'Add a relay in Settings → Relays first: public groups are listed on relays.');
    if (typed === undefined) return relays[0]!.address as OnionAddress;
    let address: OnionAddress;
    try {
      address = parseOnionAddress(typed).address;
    } catch {
      throw new ApiError('invalid-relay', 'This is not a relay address.');
    }
    if (!relays.some((r) => r.address === address)) throw new ApiError('relay-not-found', 'That relay is not one of yours; add it in Settings → Relays first.');
    return address;
  }

  #client(relay: string): RelayClient {
    const client = this.options.client(relay as OnionAddress);
    if (client === undefined) throw new ApiError('tor-unavailable', 'Tor is not running yet, so relays cannot be reached.');
    return client;
  }
}

/** Every relay failed: one error naming each and why (the code of the only one, or `relay-unreachable`). */
function noRelayAnswered(failed: readonly DirectoryFailureDto[]): ApiError {
  if (failed.length === 1) return new ApiError(failed[0]!.code, `The public groups could not be listed: ${failed[0]!.message}`);
  const reasons = failed.map((f) => `${f.relay.slice(0, 16)}….onion: ${f.message}`).join(' ');
  return new ApiError('relay-unreachable', `The public groups could not be listed: none of your ${String(failed.length)} relays answered. ${reasons}`);
}
