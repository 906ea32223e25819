// Every terminal command as calls on the API contract (the one module that calls it after sign-in), answered with lines and data.
import type { ApiClient, ContactDto, GroupDto, MessageDto } from '../shared/api/index.js';
import { CliError } from './cli-error.js';
import type { ClientState } from './client-state.js';
import { HELP_TEXT, type Command } from './command-parser.js';
import { contactName } from './event-text.js';
import { checkLocalFile, formatBytes, uploadFile } from './file-upload.js';
import { contactLabel, onionOf, resolveContact, resolveConversation, resolveGroup, resolveRequest, shortAddress, type Resolved } from './names.js';
import { safeBody, safeText } from './safe-text.js';

export interface Reply {
  readonly lines: readonly string[];
  /** What `--json` prints as the result. */
  readonly data?: unknown;
}

export interface ActionContext {
  readonly api: ApiClient;
  readonly state: ClientState;
  /** A progress line (replaced by the next one of the same key). */
  readonly progress: (key: string, text: string) => void;
}

/** Public group names, as the relays' directory takes them. */
const DIRECTORY_NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/u;

const reply = (lines: string | readonly string[], data?: unknown): Reply => ({ lines: typeof lines === 'string' ? [lines] : lines, data });

function must<T>(resolved: Resolved<T>): T {
  if (!resolved.ok) throw new CliError(resolved.error);
  return resolved.value;
}

async function contacts(ctx: ActionContext): Promise<readonly ContactDto[]> {
  const list = await ctx.api['contacts.list']({});
  ctx.state.rememberContacts(list);
  return list;
}

async function groups(ctx: ActionContext): Promise<readonly GroupDto[]> {
  const list = await ctx.api['groups.list']({});
  ctx.state.rememberGroups(list);
  return list;
}

const isCurrent = (g: GroupDto): boolean => g.standing === 'member' || g.standing === 'joining';

async function sendFile(ctx: ActionContext, path: string, conversation: string, to: string): Promise<Reply> {
  const file = await checkLocalFile(path);
  const name = safeText(file.name);
  const upload = await uploadFile(ctx.api, file, (bytes) =>
    ctx.progress(`upload:${path}`, `${name}: read ${String(file.size === 0 ? 100 : Math.floor((bytes / file.size) * 100))}% (${formatBytes(bytes)} of ${formatBytes(file.size)})`),
  );
  const message = await ctx.api['files.send']({ conversation, upload, name: file.name });
  if (message.file !== undefined) ctx.state.bookFile(conversation, 'out', to, message.file);
  return reply(`Offered ${name} (${formatBytes(file.size)}) to ${to}; progress follows.`, message);
}

function historyLine(ctx: ActionContext, message: MessageDto): string {
  const at = message.sentAt.slice(0, 16).replace('T', ' ');
  const who =
    message.direction === 'out' ? 'you' : message.sender !== undefined ? safeText(message.sender.name) : contactName(ctx.state, message.conversation);
  const file = message.file === undefined ? '' : `[file ${safeText(message.file.name)}, ${formatBytes(message.file.size)}, ${message.file.state}] `;
  return `${at} ${who}: ${file}${safeBody(message.text)}`;
}

async function create(ctx: ActionContext, name: string): Promise<Reply> {
  if ((await groups(ctx)).some((g) => isCurrent(g) && g.name.toLowerCase() === name.toLowerCase())) {
    throw new CliError(`You are already in a group called "${safeText(name)}".`);
  }
  const publicName = name.toLowerCase();
  const relays = await ctx.api['relays.list']({});
  const relay = relays[0];
  if (relay !== undefined && DIRECTORY_NAME.test(publicName)) {
    const listed = (await ctx.api['groups.directory']({})).groups.find((g) => g.name === publicName);
    if (listed !== undefined && !listed.joined) throw new CliError(`A public group "${publicName}" exists already; JOIN ${publicName} joins it.`);
    const group = await ctx.api['groups.create']({ name });
    ctx.state.groups.set(group.id, group);
    const published = await ctx.api['groups.publish']({ group: group.id, relay: relay.address, name: publicName, description: '', policy: 'open' });
    ctx.state.groups.set(published.id, published);
    return reply(`Created ${safeText(name)}, listed on relay ${shortAddress(relay.address)}: others JOIN ${publicName}.`, published);
  }
  const group = await ctx.api['groups.create']({ name });
  ctx.state.groups.set(group.id, group);
  const why = relay === undefined ? 'you have no relay to list it on (RELAY ADD)' : 'public names use lower-case letters, digits and hyphens, up to 32';
  return reply(`Created ${safeText(name)}, a private group: it is not listed because ${why}.`, group);
}

async function join(ctx: ActionContext, name: string): Promise<Reply> {
  const mine = (await groups(ctx)).find((g) => isCurrent(g) && g.listing?.name === name.toLowerCase());
  if (mine !== undefined) throw new CliError(`You are already in ${safeText(mine.name)}.`);
  const group = await ctx.api['groups.joinByName']({ name });
  ctx.state.groups.set(group.id, group);
  const label = safeText(group.name);
  if (group.myRole === 'owner') return reply(`No group "${label}" was listed, so you created it and listed it: others JOIN ${label}.`, group);
  if (group.standing === 'joining') return reply(`Joining ${label}; you will hear when you are in.`, group);
  return reply(`You are in ${label} (${String(group.members.length)} members).`, group);
}

async function list(ctx: ActionContext): Promise<Reply> {
  const [{ groups: directory, failed }, mine] = await Promise.all([ctx.api['groups.directory']({}), groups(ctx)]);
  // A group we are in is counted from the roster we hold (it follows every change); others as their owner listed them.
  const rows = directory.map((listed) => {
    const held = mine.find((g) => g.id === listed.groupId && g.standing === 'member');
    return { name: listed.name, participants: held?.members.length ?? listed.memberCount, listed: true, joined: listed.joined, group: listed.groupId, relay: listed.relay };
  });
  for (const g of mine.filter((g) => isCurrent(g) && !rows.some((r) => r.group === g.id))) {
    rows.push({ name: g.name, participants: g.members.length, listed: false, joined: true, group: g.id, relay: g.listing?.relay ?? '' });
  }
  // A relay that did not answer is named, so a missing group is not mistaken for none.
  const unanswered = failed.map((f) => `Relay ${shortAddress(f.relay)} did not answer: ${safeText(f.message)}`);
  if (rows.length === 0) return reply(['No groups: JOIN <name> creates a public one.', ...unanswered], rows);
  const lines = rows.map(
    (r) => `${safeText(r.name)}: ${String(r.participants)} participant${r.participants === 1 ? '' : 's'}${r.listed ? '' : ' (private)'}${r.joined ? ' — you are in it' : ''}`,
  );
  return reply([...lines, ...unanswered], rows);
}

async function save(ctx: ActionContext, ref: string | undefined): Promise<Reply> {
  const incoming = ctx.state.files.filter((f) => f.direction === 'in');
  const booked =
    ref === undefined
      ? incoming.at(-1)
      : /^\d+$/u.test(ref)
        ? ctx.state.files[Number(ref) - 1]
        : ctx.state.fileById(ref.toLowerCase());
  if (booked === undefined) throw new CliError(ref === undefined ? 'No file has come in yet.' : `There is no file ${safeText(ref)}; files are numbered as they are announced.`);
  if (booked.direction === 'out') throw new CliError(`File ${String(booked.number)} is one you sent.`);
  const name = safeText(booked.file.name);
  const { conversation, file } = booked;
  switch (file.state) {
    case 'received': {
      const { path } = await ctx.api['files.save']({ conversation, id: file.id });
      return reply(`Saved ${name} to ${path}`, { id: file.id, path });
    }
    case 'offered': {
      const message = await ctx.api['files.accept']({ conversation, id: file.id });
      ctx.state.pendingSaves.add(file.id);
      return reply(`Accepted ${name}; it is saved when it has arrived.`, message);
    }
    case 'receiving':
      ctx.state.pendingSaves.add(file.id);
      return reply(`${name} is still arriving; it is saved when it has.`, { id: file.id, pending: true });
    case 'failed':
    case 'cancelled':
      throw new CliError(`${name} did not arrive (${file.state}${file.error === undefined ? '' : `: ${safeText(file.error)}`}).`);
    case 'preparing':
    case 'sending':
    case 'sent':
      throw new CliError(`File ${String(booked.number)} is one you sent.`);
  }
}

/** Saves a file SAVE asked for once it has arrived; the line to print. */
export async function savePending(ctx: ActionContext, id: string): Promise<Reply | undefined> {
  const booked = ctx.state.fileById(id);
  if (booked === undefined || !ctx.state.pendingSaves.delete(id)) return undefined;
  const { path } = await ctx.api['files.save']({ conversation: booked.conversation, id });
  return reply(`Saved ${safeText(booked.file.name)} to ${path}`, { id, path });
}

async function accept(ctx: ActionContext, who: string | undefined): Promise<Reply> {
  const [requests, invitations] = await Promise.all([ctx.api['requests.list']({}), ctx.api['groups.invitations']({})]);
  const invitation = who === undefined ? undefined : invitations.filter((i) => i.groupName.toLowerCase() === who.toLowerCase());
  if (invitation !== undefined && invitation.length > 0 && !requests.some((r) => r.nickname.toLowerCase() === who?.toLowerCase())) {
    if (invitation.length > 1) throw new CliError(`${String(invitation.length)} invitations are to groups called "${safeText(who ?? '')}"; accept one in the window.`);
    const group = await ctx.api['groups.acceptInvitation']({ id: invitation[0]!.id });
    ctx.state.groups.set(group.id, group);
    return reply(`Joining ${safeText(group.name)}.`, group);
  }
  const request = must(resolveRequest(who, requests));
  const contact = await ctx.api['requests.accept']({ id: request.id });
  ctx.state.contacts.set(contact.address, contact);
  return reply(`${contactLabel(contact)} is now a contact: SEND ${safeText(contact.nickname)} <message>.`, contact);
}

/** Runs one parsed command (QUIT is the caller's). */
export async function runAction(ctx: ActionContext, command: Exclude<Command, { verb: 'quit' }>): Promise<Reply> {
  const { api, state } = ctx;
  switch (command.verb) {
    case 'send': {
      const contact = must(resolveContact(command.user, await contacts(ctx)));
      const message = await api['messages.send']({ address: contact.address, text: command.text });
      state.rememberSent(message.id, contactLabel(contact), message.text);
      return reply(`→ ${contactLabel(contact)}: ${safeBody(message.text)}`, message);
    }
    case 'sendgroup': {
      const group = must(resolveGroup(command.group, await groups(ctx)));
      const message = await api['groups.send']({ group: group.id, text: command.text });
      state.rememberSent(message.id, safeText(group.name), message.text);
      return reply(`→ [${safeText(group.name)}]: ${safeBody(message.text)}`, message);
    }
    case 'create':
      return create(ctx, command.group);
    case 'join':
      return join(ctx, command.group);
    case 'list':
      return list(ctx);
    case 'sendfile': {
      const contact = must(resolveContact(command.user, await contacts(ctx)));
      return sendFile(ctx, command.path, contact.address, contactLabel(contact));
    }
    case 'sendgroupfile': {
      const group = must(resolveGroup(command.group, await groups(ctx)));
      return sendFile(ctx, command.path, group.id, `[${safeText(group.name)}]`);
    }
    case 'save':
      return save(ctx, command.file);
    case 'add': {
      const onion = onionOf(command.address);
      const contact = await api['contacts.add']({ address: command.address, nickname: onion?.slice(0, 8) ?? 'contact', message: command.message });
      state.contacts.set(contact.address, contact);
      return reply(`Asked ${shortAddress(contact.address)} to be your contact; you hear when they accept.`, contact);
    }
    case 'requests': {
      const [requests, invitations] = await Promise.all([api['requests.list']({}), api['groups.invitations']({})]);
      const lines = [
        ...requests.map((r) => `${safeText(r.nickname)} (${r.address}.onion)${r.message === '' ? '' : `: ${safeBody(r.message)}`} — ACCEPT ${safeText(r.nickname)}`),
        ...invitations.map((i) => `${safeText(i.fromName)} invites you to ${safeText(i.groupName)} (${String(i.memberCount)} members) — ACCEPT ${safeText(i.groupName)}`),
      ];
      return reply(lines.length === 0 ? 'No requests are waiting.' : lines, { requests, invitations });
    }
    case 'accept':
      return accept(ctx, command.who);
    case 'contacts': {
      const list = await contacts(ctx);
      const lines = list.map((c) => {
        const presence = c.pending ? 'waiting for them to accept' : !c.online ? 'offline' : c.presence === undefined ? 'online' : c.presence.status;
        const text = c.presence !== undefined && c.presence.text !== '' && c.online ? ` “${safeText(c.presence.text)}”` : '';
        return `${contactLabel(c)} ${c.address}.onion — ${presence}${text}${c.unread > 0 ? `, ${String(c.unread)} unread` : ''}`;
      });
      return reply(lines.length === 0 ? 'No contacts yet: ADD <address> [message].' : lines, list);
    }
    case 'history': {
      const target = must(resolveConversation(command.name, await contacts(ctx), await groups(ctx)));
      const page =
        target.kind === 'contact'
          ? await api['conversations.history']({ address: target.contact.address, limit: command.count })
          : await api['groups.history']({ group: target.group.id, limit: command.count });
      const lines = [...page.messages].reverse().map((m) => historyLine(ctx, m));
      return reply(lines.length === 0 ? 'No messages yet.' : lines, page.messages);
    }
    case 'status': {
      if (command.status === undefined && command.text === undefined) {
        const presence = await api['presence.get']({});
        return reply(`You are ${presence.status}${presence.text === '' ? '' : `: ${safeText(presence.text)}`}.`, presence);
      }
      const status = command.status ?? (await api['presence.get']({})).status;
      const presence = await api['presence.set']({ status, text: command.text ?? '' });
      return reply(`You are ${presence.status}${presence.text === '' ? '' : `: ${safeText(presence.text)}`}.`, presence);
    }
    case 'relay-add': {
      const relay = await api['relays.add']({ address: command.invitation });
      return reply(`Added relay ${shortAddress(relay.address)} (${relay.reachability}).`, relay);
    }
    case 'relays': {
      const relays = await api['relays.list']({});
      const lines = relays.map((r) => `${r.invitation} — ${r.reachability}, ${String(r.mailboxes)} mailboxes${r.problem === undefined ? '' : `: ${safeText(r.problem)}`}`);
      return reply(lines.length === 0 ? 'No relays: RELAY ADD <invitation>.' : lines, relays);
    }
    case 'whoami': {
      const identity = await api['identity.get']({});
      return reply(`You are ${safeText(identity.nickname)}, ${identity.shareText} (${identity.reachability}).`, identity);
    }
    case 'help':
      return reply(HELP_TEXT);
  }
}

