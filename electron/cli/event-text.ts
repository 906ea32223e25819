// Words for what the core tells us as it happens (messages, requests, deliveries, presence, files, tor), updating what the client remembers.
import type { ContactDto, GroupDto, MessageDto } from '../shared/api/index.js';
import type { AnyApiEvent } from '../shared/rpc/index.js';
import type { ClientState } from './client-state.js';
import { formatBytes } from './file-upload.js';
import { contactLabel, shortAddress } from './names.js';
import { safeBody, safeText } from './safe-text.js';

export interface EventText {
  readonly text: string;
  /** Set for a progress line, which the next one of the same key replaces. */
  readonly progressKey?: string;
}

const line = (text: string): EventText => ({ text });
const snippet = (text: string): string => {
  const one = safeText(text);
  return one.length > 40 ? `“${one.slice(0, 39)}…”` : `“${one}”`;
};

export function contactName(state: ClientState, address: string): string {
  const contact = state.contacts.get(address);
  return contact === undefined ? shortAddress(address) : contactLabel(contact);
}

export function groupName(state: ClientState, id: string): string {
  const group = state.groups.get(id);
  return group === undefined ? `group ${id.slice(0, 8)}` : safeText(group.name);
}

/** Who a message is from, as printed: `[group] sender` or the contact. */
function origin(state: ClientState, message: MessageDto): string {
  if (state.groups.has(message.conversation) || /^[0-9a-f]{32}$/u.test(message.conversation)) {
    return `[${groupName(state, message.conversation)}] ${safeText(message.sender?.name ?? 'someone')}`;
  }
  return contactName(state, message.conversation);
}

function presenceText(contact: ContactDto): string {
  if (!contact.online) return 'offline';
  const presence = contact.presence;
  if (presence === undefined) return 'online';
  return presence.text === '' ? presence.status : `${presence.status}: ${safeText(presence.text)}`;
}

function contactChange(state: ClientState, contact: ContactDto): EventText | undefined {
  const before = state.contacts.get(contact.address);
  state.contacts.set(contact.address, contact);
  const name = contactLabel(contact);
  if (before === undefined) return contact.pending ? undefined : line(`${name} is now a contact.`);
  if (before.pending && !contact.pending) return line(`${name} accepted your request; SEND ${safeText(contact.nickname)} <message> writes to them.`);
  if (contact.identityChanged && !before.identityChanged) return line(`${name}'s keys changed: check the safety number in the window before writing again.`);
  if (presenceText(before) !== presenceText(contact)) return line(`${name} is ${presenceText(contact)}.`);
  return undefined;
}

function groupChange(state: ClientState, group: GroupDto): EventText | undefined {
  const before = state.groups.get(group.id);
  state.groups.set(group.id, group);
  const name = safeText(group.name);
  const count = `${String(group.members.length)} member${group.members.length === 1 ? '' : 's'}`;
  if (before?.standing !== group.standing) {
    if (group.standing === 'member') return line(`You are a member of ${name} (${count}).`);
    if (group.standing === 'joining') return line(`Asked to join ${name}; waiting to be let in.`);
    return line(group.standing === 'left' ? `You left ${name}.` : `You were removed from ${name}.`);
  }
  if (before.members.length !== group.members.length) return line(`${name} now has ${count}.`);
  return undefined;
}

function fileReceived(state: ClientState, message: MessageDto): EventText {
  const file = message.file!;
  const from = origin(state, message);
  const booked = state.bookFile(message.conversation, 'in', from, file);
  const about = `${safeText(file.name)} (${formatBytes(file.size)}, ${safeText(file.mime)})`;
  return line(`${from} sends a file: ${about}; SAVE ${String(booked.number)} saves it.`);
}

function delivery(state: ClientState, payload: Extract<AnyApiEvent, { name: 'message.updated' }>['payload']): EventText | undefined {
  const sent = state.sent.get(payload.id);
  if (sent === undefined) return undefined;
  if (payload.state === 'failed') return line(`✗ ${snippet(sent.text)} to ${sent.to} failed${payload.error === undefined ? '' : `: ${safeText(payload.error)}`}.`);
  if (payload.delivery !== undefined) {
    if (payload.delivery.delivered === sent.delivered) return undefined;
    sent.delivered = payload.delivery.delivered;
    return line(`✓ ${snippet(sent.text)} delivered to ${String(payload.delivery.delivered)} of ${String(payload.delivery.total)} in ${sent.to}.`);
  }
  if (payload.state === 'delivered') {
    state.sent.delete(payload.id);
    return line(`✓ ${snippet(sent.text)} delivered to ${sent.to}.`);
  }
  if (payload.state === 'held') return line(`… ${snippet(sent.text)} is held at ${sent.to}'s relay until they fetch it.`);
  return undefined;
}

function fileChanged(state: ClientState, message: MessageDto): EventText | undefined {
  const file = message.file;
  if (file === undefined) return undefined;
  const booked = state.fileById(file.id);
  if (booked === undefined) return message.direction === 'in' ? fileReceived(state, message) : undefined;
  const was = booked.file.state;
  booked.file = file;
  if (was === file.state) return undefined;
  const name = safeText(file.name);
  switch (file.state) {
    case 'received':
      return line(`${name} from ${booked.peer} has arrived (checked against the sender's hash)${state.pendingSaves.has(file.id) ? '' : `; SAVE ${String(booked.number)} saves it`}.`);
    case 'sent':
      return line(`${name} reached ${booked.peer}.`);
    case 'failed':
      return line(`✗ ${name} (${booked.peer}) failed${file.error === undefined ? '' : `: ${safeText(file.error)}`}.`);
    case 'cancelled':
      return line(`${name} (${booked.peer}) was cancelled.`);
    case 'preparing':
    case 'offered':
    case 'sending':
    case 'receiving':
      return undefined;
  }
}

function progress(state: ClientState, payload: Extract<AnyApiEvent, { name: 'file.progress' }>['payload']): EventText | undefined {
  const booked = state.fileById(payload.id);
  const percent = payload.total === 0 ? 100 : Math.floor((payload.bytes / payload.total) * 100);
  const step = Math.floor(percent / 10);
  if (state.progressStep.get(payload.id) === step) return undefined;
  state.progressStep.set(payload.id, step);
  const name = booked === undefined ? 'a file' : safeText(booked.file.name);
  const way = booked?.direction === 'out' ? 'to' : 'from';
  const peer = booked === undefined ? '' : ` ${way} ${booked.peer}`;
  return { text: `${name}${peer}: ${String(percent)}% (${formatBytes(payload.bytes)} of ${formatBytes(payload.total)})`, progressKey: `file:${payload.id}` };
}

/** The line to print for an event, if it is worth one; updates `state` either way. */
export function describeEvent(event: AnyApiEvent, state: ClientState): EventText | undefined {
  switch (event.name) {
    case 'tor.status': {
      const tor = event.payload;
      if (tor.problem !== undefined) return line(`Tor: ${safeText(tor.problem.warning)} — ${safeText(tor.problem.advice)}`);
      if (tor.state !== 'starting' && tor.state !== 'running') return undefined;
      return { text: `Tor: ${String(tor.progress)}% ${safeText(tor.summary)}`, progressKey: 'tor' };
    }
    case 'identity.updated':
      return event.payload.reachability === 'reachable' ? line(`You are reachable at ${event.payload.address}.onion`) : undefined;
    case 'contact.updated':
      return contactChange(state, event.payload);
    case 'contact.removed': {
      const name = contactName(state, event.payload.address);
      state.contacts.delete(event.payload.address);
      return line(`${name} is no longer a contact.`);
    }
    case 'request.received': {
      const r = event.payload;
      const message = r.message === '' ? '' : `: ${safeBody(r.message)}`;
      return line(`${safeText(r.nickname)} (${r.address}.onion) asks to be your contact${message} — ACCEPT ${safeText(r.nickname)}`);
    }
    case 'message.received': {
      const message = event.payload;
      if (message.file !== undefined) return fileReceived(state, message);
      return line(`${origin(state, message)}: ${safeBody(message.text)}`);
    }
    case 'message.updated':
      return delivery(state, event.payload);
    case 'message.changed':
      return fileChanged(state, event.payload);
    case 'file.progress':
      return progress(state, event.payload);
    case 'group.updated':
      return groupChange(state, event.payload);
    case 'group.removed':
      state.groups.delete(event.payload.id);
      return undefined;
    case 'group.invitation': {
      const i = event.payload;
      return line(`${safeText(i.fromName)} invites you to ${safeText(i.groupName)} (${String(i.memberCount)} members) — ACCEPT ${safeText(i.groupName)}`);
    }
    case 'group.joinRequest':
      return line(`${safeText(event.payload.name)} asks to join ${safeText(event.payload.groupName)}; the window lets you admit them.`);
    case 'session.locked':
      return line('Signed out.');
    case 'relays.updated':
    case 'request.removed':
    case 'group.invitation.removed':
    case 'group.joinRequest.removed':
      return undefined;
  }
}
