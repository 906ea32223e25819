// Every event the core pushes to the UI, with its payload type.
import type { ContactDto, ContactRequestDto, IdentityDto, MessageDto, MessageState, RelayDto, TorStatusDto } from './dto.js';

export interface ApiEvents {
  'tor.status': TorStatusDto;
  'identity.updated': IdentityDto;
  'contact.updated': ContactDto;
  'contact.removed': { readonly address: string };
  'request.received': ContactRequestDto;
  'request.removed': { readonly id: string };
  'message.received': MessageDto;
  'message.updated': { readonly conversation: string; readonly id: string; readonly state: MessageState; readonly heldUntil?: number; readonly error?: string };
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
  'session.locked',
];
