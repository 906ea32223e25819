// Contacts and messages as the API shows them: stored records joined with what is live (link, presence, typing, delivery).
import type { ContactDto, MessageDto } from '../../shared/api/index.js';
import type { OnionAddress } from '../../shared/onion-address/index.js';
import type { Contact, HistoryMessage, OutboxEntry } from '../store/index.js';
import { requireContact } from './contact-lookup.js';
import { apiConversation, type ConversationId } from './conversation-id.js';
import type { DeliveryProgress } from './messaging-events.js';
import type { MessengerContext } from './messenger-context.js';

export function contactDto(ctx: MessengerContext, contact: Contact): ContactDto {
  const live = ctx.live.get(contact.address);
  // A link to someone who has not accepted yet only carries our request; it says nothing of their presence.
  const online = contact.status !== 'requested' && ctx.links.isUp(contact.address as OnionAddress);
  const myRelay = ctx.state.mailbox(contact.address)?.relay;
  return {
    address: contact.address,
    nickname: contact.nickname,
    ...(contact.theirNickname === null ? {} : { theirNickname: contact.theirNickname }),
    online,
    ...(online && live?.presence !== undefined ? { presence: live.presence } : {}),
    typing: online && live?.typingUntil !== undefined && live.typingUntil > ctx.now(),
    verified: contact.verified,
    identityChanged: contact.identityChanged,
    blocked: contact.blocked,
    pending: contact.status === 'requested',
    unread: contact.unread,
    ...(contact.delivery === null ? {} : { delivery: contact.delivery }),
    effectiveDelivery: contact.delivery ?? ctx.state.settings.defaultDelivery,
    ...(contact.theirMailbox === null ? {} : { theirRelay: contact.theirMailbox.relay }),
    ...(myRelay === undefined ? {} : { myRelay }),
    ...(contact.lastMessage === null
      ? {}
      : { lastMessage: { text: contact.lastMessage.text, at: new Date(contact.lastMessage.at).toISOString(), direction: contact.lastMessage.direction } }),
  };
}

/** Tells listeners how the contact looks now, and returns that. */
export function emitContact(ctx: MessengerContext, address: string): ContactDto {
  const contact = requireContact(ctx.state, address);
  const dto = contactDto(ctx, contact);
  // A fellow group member the user did not add is not in the contact list: their groups show the change instead.
  if (contact.status === 'accepted') ctx.groups.contactAccepted(contact.address as OnionAddress);
  if (contact.hidden) ctx.groups.memberChanged(contact.address);
  else ctx.events.emit('contact.changed', { contact: dto });
  return dto;
}

/** `pending` is the outbox by id; pass it when building many DTOs so the outbox is read once. */
export function messageDto(ctx: MessengerContext, conversation: ConversationId, message: HistoryMessage, pending = outboxById(ctx)): MessageDto {
  const entry = message.direction === 'out' ? pending.get(message.id) : undefined;
  // Delivered once the receipt removed it from the outbox (and anything received was stored, so it is delivered).
  const dto = toMessageDto(conversation, message, entry === undefined ? { state: 'delivered' } : ctx.outbox.progress(entry));
  const file = message.kind === 'file' ? ctx.files.dtoFor(message.id) : undefined;
  return file === undefined ? dto : { ...dto, file };
}

/** A stored message as the API shows it, given where it is on its way. */
export function toMessageDto(conversation: ConversationId, message: HistoryMessage, progress: DeliveryProgress): MessageDto {
  return {
    id: message.id,
    conversation: apiConversation(conversation),
    direction: message.direction,
    text: message.body,
    sentAt: new Date(message.sentAt).toISOString(),
    state: progress.state,
    ...(progress.state === 'held' ? { heldUntil: progress.until } : {}),
    ...(progress.state === 'failed' ? { error: progress.reason } : {}),
  };
}

export function outboxById(ctx: MessengerContext): Map<string, OutboxEntry> {
  return new Map(ctx.state.outbox().map((entry) => [entry.id, entry]));
}
