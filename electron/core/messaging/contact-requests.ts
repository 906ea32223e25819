// Contact requests both ways: sending ours until answered, admitting and accepting strangers', blocking callers.
import { createHash } from 'node:crypto';
import type { ContactDto, ContactRequestDto } from '../../shared/api/index.js';
import { ApiError } from '../../shared/api/index.js';
import type { OnionAddress } from '../../shared/onion-address/index.js';
import type { ContactRequestFrame, ContactRequestReceiptFrame } from '../protocol/index.js';
import {
  BindingError,
  BundleFormatError,
  IdentityChangedError,
  SessionError,
  UntrustedIdentityError,
  introductionPreKeyId,
  verifyBinding,
  type SignalIntroduction,
  type StalePreKeyError,
} from '../signal/index.js';
import { newContact, type Contact, type ContactRequest, type OutboxEntry } from '../store/index.js';
import { emitContact } from './contact-dto.js';
import { parseAddress } from './contact-lookup.js';
import { decodeEnvelope, makeEnvelope, type Envelope } from './envelope.js';
import { decodeIntroduction, encodeIntroduction } from './introduction-codec.js';
import type { MessengerContext } from './messenger-context.js';
import { trySend } from './peer-send.js';
import { outboxEntry } from './store-records.js';

/** Whether a caller may connect at all: blocked addresses are refused at the handshake. */
export function isBlocked(ctx: MessengerContext, address: string): boolean {
  // Asked by the listener from socket events, which can come while the profile locks: then everyone is refused.
  if (ctx.stopped() || ctx.session.isLocked) return true;
  return ctx.state.contact(address)?.blocked === true || ctx.state.contactRequests().some((r) => r.address === address && r.status === 'blocked');
}

export function pendingRequests(ctx: MessengerContext): ContactRequestDto[] {
  return ctx.state
    .contactRequests()
    .filter((r) => r.direction === 'incoming' && r.status === 'pending' && r.group === undefined)
    .map((r) => ({ id: r.address, address: r.address, nickname: r.nickname, message: r.message, receivedAt: r.at }));
}

/** Adds a contact by address and sends them a request; a pending request from them is accepted instead. */
export async function addContact(ctx: MessengerContext, typedAddress: string, nickname: string, message: string): Promise<ContactDto> {
  const address = parseAddress(typedAddress);
  if (address === ctx.localAddress) throw new ApiError('own-address', 'This is your own address; share it with a friend and add theirs.');
  const existing = ctx.state.contact(address);
  if (existing?.hidden === true && !existing.blocked) {
    // A fellow group member: the session exists (or is on its way) already; they simply join the contact list.
    await ctx.state.updateContact(address, { hidden: false, nickname });
    return emitContact(ctx, address);
  }
  if (existing !== undefined && !existing.blocked) throw new ApiError('already-contact', `${existing.nickname} is already in your contacts.`);
  const theirRequest = ctx.state.contactRequests().find((r) => r.address === address && r.direction === 'incoming' && r.status === 'pending');
  if (theirRequest !== undefined) return acceptRequest(ctx, address, nickname);

  const introduction = await ctx.signal.localIdentity();
  const at = new Date(ctx.now()).toISOString();
  // A blocked contact added again starts over: a new session from their answer, numbers from 1. What we wrote them and
  // they never acknowledged comes along, numbered first; the old session goes, so nothing more is read on it.
  const carried = existing === undefined ? [] : carriedOver(ctx, address, 0);
  if (existing !== undefined) {
    await ctx.signal.forgetSession(address);
    ctx.live.forget(address);
  }
  ctx.outbox.forget(address, ctx.state.outbox().filter((e) => e.to === address).map((e) => e.id));
  await ctx.state.transact((tx) => {
    tx.outbox.removeTo(address);
    for (const entry of carried) tx.outbox.put(entry);
    tx.contacts.put({ ...newContact({ address, nickname, addedAt: at, status: 'requested' }), outSeq: carried.length });
    tx.contactRequests.put({
      address,
      direction: 'outgoing',
      nickname: ctx.state.nickname,
      message,
      at,
      status: 'pending',
      delivered: false,
      payload: encodeIntroduction(introduction),
    });
  });
  ctx.links.want(address);
  if (ctx.links.isUp(address)) sendRequest(ctx, address);
  return emitContact(ctx, address);
}

/** Accepts a stranger's request: start the Signal session from their bundle and send our acceptance first. */
export async function acceptRequest(ctx: MessengerContext, id: string, nickname?: string): Promise<ContactDto> {
  const waiting = (): ContactRequest | undefined =>
    ctx.state.contactRequests().find((r) => r.address === id && r.direction === 'incoming' && r.status === 'pending');
  const notWaiting = (): ApiError => new ApiError('request-not-found', 'This request is no longer waiting for an answer.');
  if (waiting() === undefined) throw notWaiting();
  const address = id as OnionAddress;
  return ctx.chains.run(address, async () => {
    // Looked up again once our turn comes: an acceptance queued before us has used the request's one-time prekeys, and a
    // second session from them would be one the requester can never read.
    const request = waiting();
    if (request === undefined) throw notWaiting();
    try {
      await ctx.signal.startSession(address, decodeIntroduction(request.payload));
    } catch (error) {
      throw await refusedIntroduction(ctx, request, error);
    }
    const { binding } = ctx.signal.localBinding();
    const accept = makeEnvelope({ kind: 'accept', seq: 1, nickname: ctx.state.nickname, binding }, ctx.now());
    const at = new Date(ctx.now()).toISOString();
    await ctx.state.transact((tx) => {
      tx.contacts.put({ ...newContact({ address, nickname: nickname ?? request.nickname, addedAt: at, status: 'accepted' }), theirNickname: request.nickname, outSeq: 1 });
      tx.contactRequests.put(answered(request));
      tx.outbox.put(outboxEntry(accept, address, 1, ctx.now()));
    });
    ctx.events.emit('request.removed', { id: address });
    ctx.links.want(address);
    await ctx.outbox.attempt(address);
    return emitContact(ctx, address);
  });
}

/**
 * Why a request could not be accepted, in words for its reader. A request whose keys are forged or damaged can never
 * work and is discarded; one whose sender's key changed since we last knew them waits while the user reviews that.
 */
async function refusedIntroduction(ctx: MessengerContext, request: ContactRequest, error: unknown): Promise<ApiError> {
  const who = request.nickname;
  if (error instanceof IdentityChangedError || error instanceof UntrustedIdentityError) {
    return new ApiError(
      'identity-changed',
      `${who} was your contact before with another safety number: this request comes with a new key. Make sure it is really them (ask in person or through another channel) before accepting.`,
    );
  }
  if (!(error instanceof BindingError || error instanceof BundleFormatError || error instanceof SessionError)) throw error;
  await ctx.state.removeContactRequest(request.address);
  ctx.events.emit('request.removed', { id: request.address });
  if (error instanceof BindingError) {
    return new ApiError('request-not-found', 'This request was not really signed by its sender and has been discarded.');
  }
  return new ApiError('request-unusable', `The keys in ${who}'s request are damaged, so it has been discarded. Ask ${who} to add you again.`);
}

export async function rejectRequest(ctx: MessengerContext, id: string, block: boolean): Promise<void> {
  const request = ctx.state.contactRequests().find((r) => r.address === id && r.direction === 'incoming');
  if (request === undefined) throw new ApiError('request-not-found', 'This request is no longer waiting for an answer.');
  if (block) {
    await ctx.state.putContactRequest({ ...request, status: 'blocked', message: '', payload: new Uint8Array(0) });
    ctx.links.disconnect(request.address as OnionAddress, 'blocked');
  } else {
    // Its sender repeats the request on every new link: remembered (by digest), it is not shown again. A different one is.
    await ctx.state.putContactRequest({ ...request, status: 'rejected', message: '', payload: requestDigest(request.nickname, request.message, request.payload) });
  }
  ctx.events.emit('request.removed', { id });
}

/**
 * An accepted request, remembered by digest: its sender repeats it on every new link until our acceptance reaches them,
 * and a repeat must be recognised (see reestablish), not start the conversation over.
 */
function answered(request: ContactRequest): ContactRequest {
  const { group: _group, ...rest } = request;
  return { ...rest, status: 'answered', message: '', payload: requestDigest(request.nickname, request.message, request.payload) };
}

/** What a rejected request is remembered by: its words and introduction, hashed. */
function requestDigest(nickname: string, message: string, introduction: Uint8Array): Uint8Array {
  return createHash('sha256').update(nickname).update('\0').update(message).update('\0').update(introduction).digest();
}

export function sendRequest(ctx: MessengerContext, peer: OnionAddress): void {
  const request = ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'outgoing');
  if (request === undefined) return;
  const introduction = decodeIntroduction(request.payload);
  trySend(ctx, peer, {
    type: 'contact-request',
    nickname: request.nickname,
    message: request.message,
    ...introduction,
    ...(request.group === undefined ? {} : { group: request.group }),
  });
}

/**
 * Asks a fellow group member who is not our contact for a Signal session: a hidden contact (not in the contact list)
 * and a request naming the group, which their core accepts by itself once it finds us in the roster (or, with
 * `secret`, lets us join). Call from inside the peer's chain.
 */
export async function requestGroupPeer(ctx: MessengerContext, address: OnionAddress, group: { id: string; secret: string | null }): Promise<void> {
  const introduction = await ctx.signal.localIdentity();
  const at = new Date(ctx.now()).toISOString();
  await ctx.state.transact((tx) => {
    tx.contacts.put({ ...newContact({ address, nickname: '', addedAt: at, status: 'requested' }), hidden: true });
    tx.contactRequests.put({
      address,
      direction: 'outgoing',
      nickname: ctx.state.nickname,
      message: '',
      at,
      status: 'pending',
      delivered: false,
      payload: encodeIntroduction(introduction),
      group,
    });
  });
  ctx.links.want(address);
  if (ctx.links.isUp(address)) sendRequest(ctx, address);
}

/** Keeps a request made for a group, never shown among contact requests, until the group part answers it. */
export async function holdGroupRequest(ctx: MessengerContext, peer: OnionAddress, frame: ContactRequestFrame & { group: NonNullable<ContactRequestFrame['group']> }): Promise<void> {
  const introduction = { signalIdentityKey: frame.signalIdentityKey, binding: frame.binding, prekeyBundle: frame.prekeyBundle };
  await ctx.state.putContactRequest({
    address: peer,
    direction: 'incoming',
    nickname: frame.nickname,
    message: '',
    at: new Date(ctx.now()).toISOString(),
    status: 'pending',
    delivered: true,
    payload: encodeIntroduction(introduction),
    group: frame.group,
  });
}

/**
 * Accepts a held group request: the Signal session from their introduction and our acceptance first, as for any
 * request, but the contact stays hidden (a fellow member) unless the user had added them. False if it cannot be used.
 * Call from inside the peer's chain.
 */
export async function acceptGroupPeer(ctx: MessengerContext, peer: OnionAddress): Promise<boolean> {
  const request = ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'incoming' && r.status === 'pending');
  if (request === undefined) return false;
  try {
    await ctx.signal.startSession(peer, decodeIntroduction(request.payload));
  } catch (error) {
    ctx.log(`could not start a session with group member ${peer}: ${error instanceof Error ? error.message : String(error)}`);
    await ctx.state.removeContactRequest(peer);
    return false;
  }
  const { binding } = ctx.signal.localBinding();
  const existing = ctx.state.contact(peer);
  const seq = (existing?.outSeq ?? 0) + 1;
  const accept = makeEnvelope({ kind: 'accept', seq, nickname: ctx.state.nickname, binding }, ctx.now());
  const at = new Date(ctx.now()).toISOString();
  await ctx.state.transact((tx) => {
    if (existing === undefined) {
      tx.contacts.put({ ...newContact({ address: peer, nickname: '', addedAt: at, status: 'accepted' }), hidden: true, theirNickname: request.nickname, outSeq: seq });
    } else {
      tx.contacts.update(peer, { status: 'accepted', theirNickname: request.nickname, outSeq: seq });
    }
    // Remembered by digest, as after a re-establishment: they repeat the request on every new link until our answer
    // arrives, and a repeat must not start the conversation over.
    tx.contactRequests.put(answered(request));
    tx.outbox.put(outboxEntry(accept, peer, seq, ctx.now()));
  });
  ctx.links.want(peer);
  await ctx.outbox.attempt(peer);
  emitContact(ctx, peer);
  return true;
}

/**
 * The contact answered our request from a bundle whose one-time keys we no longer hold: we keep the keys of the last 100
 * introductions only (PreKeyIssuer), and this request is older. The answer can never be read, so we send a new request
 * with a fresh introduction; the contact, who has accepted us, starts the conversation over from it (see reestablish).
 * An answer to an introduction older than the request we hold is one we superseded already, and is ignored.
 */
export async function renewRequest(ctx: MessengerContext, peer: OnionAddress, stale: StalePreKeyError): Promise<void> {
  const request = ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'outgoing');
  if (request === undefined || ctx.state.contact(peer)?.status !== 'requested') return;
  if (stale.preKeyId !== introductionPreKeyId(decodeIntroduction(request.payload))) return;
  const introduction = await ctx.signal.localIdentity();
  await ctx.state.putContactRequest({ ...request, delivered: false, payload: encodeIntroduction(introduction) });
  ctx.log(`${peer} accepted a request of ours too old to complete; sending a new one`);
  sendRequest(ctx, peer);
}

export async function onContactRequest(ctx: MessengerContext, peer: OnionAddress, frame: ContactRequestFrame): Promise<void> {
  const contact = ctx.state.contact(peer);
  const reply = (status: 'received' | 'rate-limited' | 'blocked' | 'already-contact'): void => {
    trySend(ctx, peer, { type: 'contact-request-receipt', status });
  };
  if (isBlocked(ctx, peer)) return reply('blocked');
  const introduction = { signalIdentityKey: frame.signalIdentityKey, binding: frame.binding, prekeyBundle: frame.prekeyBundle };
  try {
    verifyBinding(peer, introduction.signalIdentityKey, introduction.binding);
  } catch (error) {
    ctx.log(`refused a contact request from ${peer}: ${String(error)}`);
    return;
  }
  if (contact?.status === 'accepted') return reestablish(ctx, peer, contact, frame, introduction, reply);
  if (contact === undefined && frame.group !== undefined) {
    const verdict = ctx.limiter.admit(peer, 0, ctx.now());
    if (verdict !== 'accept') {
      ctx.log(`group request from ${peer} refused: ${verdict}`);
      return reply('rate-limited');
    }
    reply('received');
    return ctx.groups.request(peer, { ...frame, group: frame.group });
  }
  // The sender repeats its stored request on every new link: the same request again is not news, nor another try.
  const waiting = ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'incoming' && r.status === 'pending');
  const repeated =
    waiting !== undefined &&
    waiting.nickname === frame.nickname &&
    waiting.message === frame.message &&
    Buffer.from(waiting.payload).equals(encodeIntroduction(introduction));
  if (contact === undefined && repeated) return reply('received');
  const rejected = ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'incoming' && r.status === 'rejected');
  if (contact === undefined && rejected !== undefined && Buffer.from(rejected.payload).equals(requestDigest(frame.nickname, frame.message, encodeIntroduction(introduction)))) {
    return reply('received');
  }
  const pending = ctx.state.contactRequests().filter((r) => r.direction === 'incoming' && r.status === 'pending').length;
  const verdict = ctx.limiter.admit(peer, pending, ctx.now());
  if (verdict !== 'accept') {
    ctx.log(`contact request from ${peer} refused: ${verdict}`);
    return reply('rate-limited');
  }
  const request = {
    address: peer,
    direction: 'incoming' as const,
    nickname: frame.nickname,
    message: frame.message,
    at: new Date(ctx.now()).toISOString(),
    status: 'pending' as const,
    delivered: true,
    payload: encodeIntroduction(introduction),
    ...(frame.group === undefined ? {} : { group: frame.group }),
  };
  if (contact?.status === 'requested') {
    // Both added each other. The smaller address accepts, so exactly one side starts the Signal session.
    if (ctx.localAddress < peer) {
      await ctx.state.transact((tx) => tx.contactRequests.put(request));
      reply('received');
      await acceptRequestInChain(ctx, peer);
    } else {
      reply('received');
      // The smaller side accepts from our request, but may not hold it: a fellow member refuses a group request that
      // comes before they are in the group, and keeps nothing. Ours again (one frame) lets it accept now, not at the next link.
      sendRequest(ctx, peer);
    }
    return;
  }
  await ctx.state.putContactRequest(request);
  reply('received');
  ctx.events.emit('request.received', { id: peer, address: peer, nickname: frame.nickname, message: frame.message, receivedAt: request.at });
}

/**
 * A new request from someone who is already our contact: they removed us (or lost their data) and asked again, with a
 * fresh introduction. We accepted them once and never removed them, so we accept again at once, as a messenger keeps
 * talking to a contact who reinstalled: a new Signal session from their bundle, both counters from the start, our
 * acceptance first, then what we wrote that they never acknowledged. A key other than the one we trust is the user's
 * call, as for any changed safety number; the same request repeated on a later link is recognised by its digest.
 */
async function reestablish(
  ctx: MessengerContext,
  peer: OnionAddress,
  contact: Contact,
  frame: ContactRequestFrame,
  introduction: SignalIntroduction,
  reply: (status: 'received' | 'rate-limited') => void,
): Promise<void> {
  const digest = requestDigest(frame.nickname, frame.message, encodeIntroduction(introduction));
  const answered = ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'incoming' && r.status === 'answered');
  if (answered !== undefined && Buffer.from(answered.payload).equals(digest)) return reply('received');
  const pending = ctx.state.contactRequests().filter((r) => r.direction === 'incoming' && r.status === 'pending').length;
  const verdict = ctx.limiter.admit(peer, pending, ctx.now());
  if (verdict !== 'accept') {
    ctx.log(`new request from contact ${peer} refused: ${verdict}`);
    return reply('rate-limited');
  }
  try {
    await ctx.signal.startSession(peer, introduction);
  } catch (error) {
    if (!(error instanceof IdentityChangedError)) {
      ctx.log(`new request from contact ${peer} refused: ${String(error)}`);
      return;
    }
    // They repeat the request on every link, so once the user accepted the new key the next one re-establishes.
    ctx.log(`new request from contact ${peer} carries a different identity key; waiting for the user to review it`);
    await ctx.state.updateContact(peer, { identityChanged: true, verified: false });
    reply('received');
    emitContact(ctx, peer);
    return;
  }
  const { binding } = ctx.signal.localBinding();
  const accept = makeEnvelope({ kind: 'accept', seq: 1, nickname: ctx.state.nickname, binding }, ctx.now());
  const carried = carriedOver(ctx, peer, 1);
  const at = new Date(ctx.now()).toISOString();
  ctx.live.forget(peer);
  ctx.outbox.forget(peer, ctx.state.outbox().filter((e) => e.to === peer).map((e) => e.id));
  await ctx.state.transact((tx) => {
    // The conversation's numbers start over now; history stored before has other numbers (see reconcile).
    if (!tx.contacts.update(peer, { addedAt: at, inSeq: 0, outSeq: 1 + carried.length, theirNickname: frame.nickname })) return;
    tx.outbox.removeTo(peer);
    tx.outbox.put(outboxEntry(accept, peer, 1, ctx.now()));
    for (const entry of carried) tx.outbox.put(entry);
    tx.contactRequests.put({ address: peer, direction: 'incoming', nickname: frame.nickname, message: '', at, status: 'answered', delivered: true, payload: digest });
  });
  ctx.log(`${contact.nickname} (${peer}) asked again with a new introduction; the conversation starts over`);
  reply('received');
  await ctx.outbox.attempt(peer);
  emitContact(ctx, peer);
}

/**
 * Our messages the peer never acknowledged, numbered anew after `after` for a conversation that starts over, oldest
 * first. Each keeps its id, time and creation instant: older than the restart, that tells the start-up repair its
 * history entry was written back then. An unacknowledged acceptance is left out; the new conversation has its own.
 */
function carriedOver(ctx: MessengerContext, peer: OnionAddress, after: number): OutboxEntry[] {
  const carried: OutboxEntry[] = [];
  for (const entry of ctx.state.outbox().sort((a, b) => a.seq - b.seq)) {
    const envelope = decodeEnvelope(entry.envelope);
    if (entry.to !== peer || !('seq' in envelope.body) || envelope.body.kind === 'accept') continue;
    const seq = after + 1 + carried.length;
    const renumbered = { ...envelope, body: { ...envelope.body, seq } } as Envelope;
    carried.push({ ...outboxEntry(renumbered, peer, seq, ctx.now(), entry.via), createdAt: entry.createdAt, ...(entry.group === undefined ? {} : { group: entry.group }) });
  }
  return carried;
}

/** acceptRequest for use inside this peer's chain (it must not queue behind itself). */
async function acceptRequestInChain(ctx: MessengerContext, peer: OnionAddress): Promise<void> {
  const request = ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'incoming');
  if (request === undefined) return;
  await ctx.signal.startSession(peer, decodeIntroduction(request.payload));
  const { binding } = ctx.signal.localBinding();
  // We added them too, so messages we wrote since are numbered from 1 already: the acceptance follows them.
  const seq = (ctx.state.contact(peer)?.outSeq ?? 0) + 1;
  const accept = makeEnvelope({ kind: 'accept', seq, nickname: ctx.state.nickname, binding }, ctx.now());
  await ctx.state.transact((tx) => {
    if (!tx.contacts.update(peer, { status: 'accepted', theirNickname: request.nickname, outSeq: seq })) return;
    tx.contactRequests.put(answered(request));
    tx.outbox.put(outboxEntry(accept, peer, seq, ctx.now()));
  });
  await ctx.outbox.attempt(peer);
  emitContact(ctx, peer);
}

export async function onRequestReceipt(ctx: MessengerContext, peer: OnionAddress, status: ContactRequestReceiptFrame['status']): Promise<void> {
  const request = ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'outgoing');
  if (request !== undefined && status === 'received') await ctx.state.putContactRequest({ ...request, delivered: true });
  ctx.log(`contact request to ${peer}: ${status}`);
}
