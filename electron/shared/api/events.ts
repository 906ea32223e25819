// Every event the core pushes to the UI, with its payload type.
import type { ContactDto, ContactRequestDto, IdentityDto, MessageDto, MessageState, RelayDto, TorStatusDto } from './dto.js';
import type { GroupDeliveryDto, GroupDto, GroupInvitationDto, GroupJoinRequestDto } from './group-dto.js';

export interface ApiEvents {
  'tor.status': TorStatusDto;
  'identity.updated': IdentityDto;
  'contact.updated': ContactDto;
  'contact.removed': { readonly address: string };
  'request.received': ContactRequestDto;
  'request.removed': { readonly id: string };
  'message.received': MessageDto;
  'message.updated': {
    readonly conversation: string;
    readonly id: string;
    readonly state: MessageState;
    readonly heldUntil?: number;
    readonly error?: string;
    /** Our group messages: how many members stored it so far. */
    readonly delivery?: GroupDeliveryDto;
  };
  /** A file message changed (state, error) — the whole message as it looks now. */
  'message.changed': MessageDto;
  /** Transfer progress of a file, at most a few times a second. */
  'file.progress': { readonly conversation: string; readonly id: string; readonly bytes: number; readonly total: number };
  'group.updated': GroupDto;
  'group.removed': { readonly id: string };
  'group.invitation': GroupInvitationDto;
  'group.invitation.removed': { readonly id: string };
  'group.joinRequest': GroupJoinRequestDto;
  'group.joinRequest.removed': { readonly id: string };
  /** My relays, after any change (added, removed, reachability). */
  'relays.updated': readonly RelayDto[];
  /** The profile was locked (by the user, or because the core stopped). */
  'session.locked': Record<string, never>;
}

export type EventName = keyof ApiEvents;

export const EVENT_NAMES: readonly EventName[] = [
  'tor.status',
  'identity.updated',
  'contact.updated',
  'contact.removed',
  'request.received',
  'request.removed',
  'message.received',
  'message.updated',
  'relays.updated',
  'message.changed',
  'file.progress',
  'group.updated',
  'group.removed',
  'group.invitation',
  'group.invitation.removed',
  'group.joinRequest',
  'group.joinRequest.removed',
  'session.locked',
];
