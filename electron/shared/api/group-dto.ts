// Data shapes of groups the core sends to the UI: groups, their members, invitations, join requests, public directories.
import type { DeliveryChoice, PresenceDto } from './dto.js';
import type { ApiErrorCode } from './errors.js';

export type GroupRoleDto = 'owner' | 'admin' | 'member';
/** `joining`: we asked to join (by link or directory) and wait for an admin; `left` / `removed`: no longer a member, history kept. */
export type GroupStanding = 'joining' | 'member' | 'left' | 'removed';
/** Public groups: `open` lets anyone in who asks; `ask` waits for the owner or an admin. */
export type JoinPolicy = 'open' | 'ask';

export interface GroupMemberDto {
  /** 56 characters, without .onion */
  readonly address: string;
  /** The contact's nickname if they are our contact, otherwise the name they gave themselves. */
  readonly name: string;
  readonly role: GroupRoleDto;
  /** This is the profile itself. */
  readonly me: boolean;
  /** They are also one of our contacts. */
  readonly contact: boolean;
  readonly online: boolean;
  readonly presence?: PresenceDto;
}

export interface GroupDto {
  /** 32 lower-case hex digits, fixed at creation; also the conversation id of its messages. */
  readonly id: string;
  readonly name: string;
  readonly standing: GroupStanding;
  /** Our role while we are a member. */
  readonly myRole?: GroupRoleDto;
  /** The current roster (empty while `joining`). */
  readonly members: readonly GroupMemberDto[];
  readonly unread: number;
  readonly lastMessage?: { readonly text: string; readonly at: string; readonly direction: 'in' | 'out'; readonly senderName: string };
  /** Where it is listed publicly, if it is. */
  readonly listing?: { readonly relay: string; readonly name: string; readonly description: string; readonly policy: JoinPolicy };
  /** What happens to our messages for members who are offline. */
  readonly delivery: DeliveryChoice;
}

/** An invitation from a contact to one of their groups, waiting in the requests inbox. */
export interface GroupInvitationDto {
  readonly id: string;
  readonly groupId: string;
  readonly groupName: string;
  /** Who invited us (a contact). */
  readonly from: string;
  readonly fromName: string;
  readonly memberCount: number;
  readonly receivedAt: string;
}

/** Someone asks to join a group we administer (from its public listing or a link of an `ask` group). */
export interface GroupJoinRequestDto {
  readonly id: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly address: string;
  readonly name: string;
  readonly receivedAt: string;
}

/** LIST: the public groups on my relays that answered, and the relays that did not (what they list is missing). */
export interface DirectoryDto {
  readonly groups: readonly DirectoryGroupDto[];
  readonly failed: readonly DirectoryFailureDto[];
}

/** A relay of mine that could not be asked for its groups, and why, in words. */
export interface DirectoryFailureDto {
  readonly relay: string;
  readonly code: ApiErrorCode;
  readonly message: string;
}

/** One public group on one of my relays (LIST). */
export interface DirectoryGroupDto {
  /** The relay listing it, 56 characters. */
  readonly relay: string;
  /** Lower-case letters, digits and hyphens; unique per relay. */
  readonly name: string;
  readonly description: string;
  /** As signed by the owner when they last updated the listing (their core publishes again within a minute of a change). */
  readonly memberCount: number;
  readonly policy: JoinPolicy;
  readonly groupId: string;
  /** We are a member (or are joining) already. */
  readonly joined: boolean;
}

/** Per-member delivery of one of our group messages: "delivered to 3 of 4". */
export interface GroupDeliveryDto {
  readonly delivered: number;
  readonly total: number;
}
