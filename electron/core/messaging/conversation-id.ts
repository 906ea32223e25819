// Names a conversation independently of how it is reached: `c:<onion>` for a contact, so `g:<groupId>` can later name a group.
import type { OnionAddress } from '../../shared/onion-address/index.js';

export type ConversationId = string & { readonly __conversation: true };

export function contactConversation(address: OnionAddress | string): ConversationId {
  return `c:${address}` as ConversationId;
}

/** A group's conversation: `g:<group id>`; its history is stored under that name. */
export function groupConversation(groupId: string): ConversationId {
  return `g:${groupId}` as ConversationId;
}

/** The contact a conversation is with; conversations are all with contacts until groups exist. */
export function conversationPeer(conversation: ConversationId): OnionAddress {
  if (!conversation.startsWith('c:')) throw new Error(`not a contact conversation: ${conversation}`);
  return conversation.slice(2) as OnionAddress;
}

/**
 * The name its history is stored under. A contact's history keeps the bare address it was written under before
 * conversation ids, so existing profiles read on; other kinds of conversation use their id.
 */
export function historyName(conversation: ConversationId): string {
  return conversation.startsWith('c:') ? conversation.slice(2) : conversation;
}

/** What the API calls the conversation (its `conversation` field): the contact's address or the group's id. */
export function apiConversation(conversation: ConversationId): string {
  return conversation.startsWith('g:') ? conversation.slice(2) : historyName(conversation);
}
