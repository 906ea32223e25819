// What messaging tells the rest of the core, in its own terms; electron/core/api-events.ts turns these into API events.
import type { ApiEvents, ContactDto, ContactRequestDto, FileDto, GroupDto, MessageDto } from '../../shared/api/index.js';
import type { HistoryMessage } from '../store/index.js';
import type { ConversationId } from './conversation-id.js';

/** Where one of our stored messages is on its way to the recipient. */
export type DeliveryProgress =
  /** `reason`: why a relay did not take it (it waits for the contact instead, and the relay is tried again later). */
  | { readonly state: 'queued'; readonly reason?: string }
  | { readonly state: 'sent' }
  /** A relay holds it until `until` (ms since epoch). */
  | { readonly state: 'held'; readonly until: number }
  | { readonly state: 'delivered' }
  | { readonly state: 'failed'; readonly reason: string };

export interface MessagingEvents {
  /** A contact changed (stored fields, link, presence, typing); carries how the contact looks now. */
  'contact.changed': { readonly contact: ContactDto };
  'contact.removed': { readonly address: string };
  /** A stranger's request is waiting for the user's answer. */
  'request.received': ContactRequestDto;
  /** A request is no longer waiting (accepted, rejected or discarded). */
  'request.removed': { readonly id: string };
  /** A message from the other side of the conversation was stored. */
  /** `file`: the file a file message carries, so it is announced with it. */
  'message.stored': { readonly conversation: ConversationId; readonly message: HistoryMessage; readonly file?: FileDto };
  /** One of our messages moved on its way. */
  'message.progressed': { readonly conversation: ConversationId; readonly id: string; readonly progress: DeliveryProgress };
  /** A file message changed (state, error, where it was saved). */
  'file.changed': { readonly message: MessageDto };
  'file.progress': ApiEvents['file.progress'];
  /** A member's copy of our group message moved on its way (the group part counts them). */
  'group.copy.progressed': { readonly group: string; readonly message: string };
  /** A group changed (roster, name, unread, last message, members' links): how it looks now. */
  'group.changed': { readonly group: GroupDto };
  'group.removed': { readonly id: string };
  'group.invitation': ApiEvents['group.invitation'];
  'group.invitation.removed': { readonly id: string };
  'group.joinRequest': ApiEvents['group.joinRequest'];
  'group.joinRequest.removed': { readonly id: string };
  /** A member's message to a group was stored. */
  'group.message.stored': { readonly message: MessageDto };
  /** Our group message moved on its way: its state and how many members have it. */
  'group.message.progressed': { readonly update: ApiEvents['message.updated'] };
}

export type MessagingEventArgs = { [E in keyof MessagingEvents]: [MessagingEvents[E]] };
