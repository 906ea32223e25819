// The one place where messaging's domain events become the API events the renderer sees.
import type { EventEmitter } from 'node:events';
import type { ApiEvents } from '../shared/api/index.js';
import { toMessageDto } from './messaging/contact-dto.js';
import { apiConversation } from './messaging/conversation-id.js';
import type { MessagingEventArgs } from './messaging/messaging-events.js';

export type ApiEventArgs = { [E in keyof ApiEvents]: [ApiEvents[E]] };

/** Forwards every messaging event to `target` as its API event, for as long as the messenger lives. */
export function forwardMessagingEvents(messenger: Pick<EventEmitter<MessagingEventArgs>, 'on'>, target: Pick<EventEmitter<ApiEventArgs>, 'emit'>): void {
  const emit = <E extends keyof ApiEvents>(name: E, payload: ApiEvents[E]): void => {
    (target.emit as (name: E, payload: ApiEvents[E]) => boolean)(name, payload);
  };
  messenger.on('contact.changed', ({ contact }) => emit('contact.updated', contact));
  messenger.on('contact.removed', ({ address }) => emit('contact.removed', { address }));
  messenger.on('request.received', (request) => emit('request.received', request));
  messenger.on('request.removed', ({ id }) => emit('request.removed', { id }));
  // Only what was received is announced as new; our own messages reach the renderer as the answer to `messages.send`.
  messenger.on('message.stored', ({ conversation, message, file }) =>
    emit('message.received', { ...toMessageDto(conversation, message, { state: 'delivered' }), ...(file === undefined ? {} : { file }) }),
  );
  messenger.on('file.changed', ({ message }) => emit('message.changed', message));
  messenger.on('file.progress', (progress) => emit('file.progress', progress));
  messenger.on('group.changed', ({ group }) => emit('group.updated', group));
  messenger.on('group.removed', ({ id }) => emit('group.removed', { id }));
  messenger.on('group.invitation', (invitation) => emit('group.invitation', invitation));
  messenger.on('group.invitation.removed', ({ id }) => emit('group.invitation.removed', { id }));
  messenger.on('group.joinRequest', (request) => emit('group.joinRequest', request));
  messenger.on('group.joinRequest.removed', ({ id }) => emit('group.joinRequest.removed', { id }));
  messenger.on('group.message.stored', ({ message }) => emit('message.received', message));
  messenger.on('group.message.progressed', ({ update }) => emit('message.updated', update));
  messenger.on('message.progressed', ({ conversation, id, progress }) =>
    emit('message.updated', {
      conversation: apiConversation(conversation),
      id,
      state: progress.state,
      ...(progress.state === 'held' ? { heldUntil: progress.until } : {}),
      ...(progress.state === 'failed' || (progress.state === 'queued' && progress.reason !== undefined) ? { error: progress.reason } : {}),
    }),
  );
}
