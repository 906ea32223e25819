// Conversation state over the real RPC client and server, answered by the screenshot fake core: paging, sending, live updates.
import { describe, expect, it } from 'vitest';
import { ADDRESSES } from '../../../screenshots/fake-core.js';
import { connectToFakeCore } from '../../test-support/fake-connection.js';
import { ConversationState } from './conversation.svelte.js';

function open(historySize: number) {
  const { core, connection } = connectToFakeCore({ historySize });
  return { core, conversation: new ConversationState(connection, ADDRESSES.alice) };
}

describe('ConversationState', () => {
  it('pages back through the whole history, oldest first, and stops at the start', async () => {
    const { conversation } = open(450);
    await conversation.loadOlder();
    expect(conversation.messages).toHaveLength(200);
    expect(conversation.hasMore).toBe(true);
    await conversation.loadOlder();
    await conversation.loadOlder();
    // 450 plus the six scripted messages and the five sample files at the end.
    expect(conversation.messages).toHaveLength(461);
    expect(conversation.hasMore).toBe(false);
    const times = conversation.messages.map((m) => m.sentAt);
    expect([...times].sort()).toEqual(times);
    await conversation.loadOlder();
    expect(conversation.messages).toHaveLength(461);
  });

  it('adds a sent message, then follows its state from the core’s events', async () => {
    const { conversation } = open(0);
    await conversation.loadOlder();
    await conversation.send('hello');
    const sent = conversation.messages.at(-1);
    expect(sent?.text).toBe('hello');
    expect(sent?.state).toBe('queued');
    await expect.poll(() => conversation.messages.at(-1)?.state).toBe('delivered');
  });

  it('takes received messages for this conversation only', async () => {
    const { core, conversation } = open(0);
    await conversation.loadOlder();
    const before = conversation.messages.length;
    const message = { id: 'live', direction: 'in', text: 'live', sentAt: new Date().toISOString(), state: 'delivered' } as const;
    core.emit({ name: 'message.received', payload: { ...message, conversation: ADDRESSES.bob } });
    core.emit({ name: 'message.received', payload: { ...message, conversation: ADDRESSES.alice } });
    await expect.poll(() => conversation.messages.length).toBe(before + 1);
    expect(conversation.messages.at(-1)?.id).toBe('live');
    conversation.dispose();
  });

  it('shows until when a relay holds a message, and forgets it once the message moves on', async () => {
    const { core, conversation } = open(0);
    await conversation.loadOlder();
    const message = { id: 'mine', direction: 'out', text: 'for later', sentAt: new Date().toISOString(), state: 'queued' } as const;
    core.emit({ name: 'message.received', payload: { ...message, conversation: ADDRESSES.alice } });
    await expect.poll(() => conversation.messages.at(-1)?.id).toBe('mine');
    core.emit({ name: 'message.updated', payload: { conversation: ADDRESSES.alice, id: 'mine', state: 'held', heldUntil: 1_900_000_000_000 } });
    await expect.poll(() => conversation.messages.at(-1)).toMatchObject({ state: 'held', heldUntil: 1_900_000_000_000 });
    core.emit({ name: 'message.updated', payload: { conversation: ADDRESSES.alice, id: 'mine', state: 'delivered' } });
    await expect.poll(() => conversation.messages.at(-1)?.state).toBe('delivered');
    expect(conversation.messages.at(-1)).not.toHaveProperty('heldUntil');
    conversation.dispose();
  });

  it('replaces a file message when the core says it changed, and accepts an offer through the file actions', async () => {
    const { conversation } = open(0);
    await conversation.loadOlder();
    const offer = conversation.messages.find((m) => m.file?.state === 'offered' && m.direction === 'in');
    if (offer?.file === undefined || conversation.files === undefined) throw new Error('the fake core has no waiting offer');
    await conversation.files.accept(offer.file.id);
    expect(conversation.messages.find((m) => m.id === offer.id)?.file?.state).toBe('receiving');
    // The fake core moves it along with progress events and a message.changed at the end.
    await expect.poll(() => conversation.files?.progress[offer.id] ?? 0).toBeGreaterThan(0);
    await expect.poll(() => conversation.messages.find((m) => m.id === offer.id)?.file?.state, { timeout: 5_000 }).toBe('received');
    conversation.dispose();
  });

  it('has file actions in 1:1 conversations and in groups, where the core carries files too', () => {
    const { connection } = connectToFakeCore();
    expect(new ConversationState(connection, ADDRESSES.alice).files).toBeDefined();
    expect(new ConversationState(connection, 'ab'.repeat(16), 'group').files).toBeDefined();
  });
});
