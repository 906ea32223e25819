// LIST and JOIN-by-name: public groups on my relays, listing our own groups there, and joining or creating one by name.
import { ApiError, type DirectoryGroupDto, type GroupDto, type JoinPolicy } from '../../shared/api/index.js';
import { parseOnionAddress, type OnionAddress } from '../../shared/onion-address/index.js';
import type { OnionKey } from '../identity/index.js';
import type { GroupChat } from '../messaging/groups/group-chat.js';
import { RelayNameTakenError, type DirectoryListing, type RelayClient } from '../relay-client/index.js';
import type { ProfileState } from '../store/index.js';

export interface GroupDirectoryOptions {
  readonly state: ProfileState;
  readonly groups: () => GroupChat;
  readonly client: (relay: OnionAddress) => RelayClient | undefined;
  readonly onionKey: OnionKey;
  readonly log: (line: string) => void;
}

export interface ListingChoice {
  readonly relay: string;
  readonly name: string;
  readonly description: string;
  readonly policy: JoinPolicy;
}

export class GroupDirectory {
  constructor(private readonly options: GroupDirectoryOptions) {}

  /** Every public group on my relays (those that answer), with our own listings even where a relay is not reachable. */
  async list(): Promise<DirectoryGroupDto[]> {
    const { state, log } = this.options;
    const found = await Promise.all(
      state.relays().map(async ({ address }) => {
        try {
          return (await this.#client(address).listGroups()).map((listing) => this.#dto(address, listing));
        } catch (error) {
          log(`could not list the groups on relay ${address}: ${error instanceof Error ? error.message : String(error)}`);
          return [];
        }
      }),
    );
    const listed = found.flat();
    const own = this.options.groups().ownListings().filter((mine) => !listed.some((l) => l.relay === mine.relay && l.name === mine.name));
    return [...listed, ...own].sort((a, b) => a.name.localeCompare(b.name) || a.relay.localeCompare(b.relay));
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
    if (previous !== null && (previous.relay !== relay || previous.name !== choice.name)) await this.#takeDown(previous.relay, previous.name);
    return groups.setListing(groupId, { relay, name: choice.name, description: choice.description, policy: choice.policy });
  }

  async unpublish(groupId: string): Promise<GroupDto> {
    const listing = this.options.state.group(groupId)?.listing ?? null;
    if (listing !== null) await this.#takeDown(listing.relay, listing.name);
    return this.options.groups().setListing(groupId, null);
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
