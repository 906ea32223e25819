// Every command the UI can send the core: its input schema (checked by the core) and its result type.
import { z } from 'zod';
import type {
  BackupDto,
  ContactDto,
  ContactRequestDto,
  HistoryPageDto,
  IdentityDto,
  MessageDto,
  PasswordStrengthDto,
  PresenceDto,
  ProfileSummary,
  RelayDto,
  SafetyNumberDto,
  SessionDto,
  SettingsDto,
  TorStatusDto,
} from './dto.js';
import type { FileUploadDto } from './file-dto.js';
import type { DirectoryDto, GroupDto, GroupInvitationDto, GroupJoinRequestDto } from './group-dto.js';

/** Limits shared by the UI (to warn early) and the core (to refuse). */
export const LIMITS = {
  nickname: 64,
  label: 64,
  requestMessage: 1_000,
  messageText: 16_000,
  statusText: 140,
  password: 1_024,
  historyPage: 200,
  torLine: 1_000,
  torLines: 64,
  backupBytesBase64: 512 * 1024 * 1024,
  groupName: 64,
  groupDescription: 280,
  /** Public names: lower-case letters, digits and hyphens. */
  directoryName: 32,
  groupLink: 400,
  /** The largest file sent or received (the relay's blob limit). */
  fileBytes: 256 * 1024 * 1024,
  /** One upload or read chunk: 1 MiB, base64 in the API. */
  fileChunkBytes: 1024 * 1024,
  fileName: 255,
} as const;

const nickname = z.string().trim().min(1, 'A nickname is required').max(LIMITS.nickname);
/** Typed addresses are checked by parseOnionAddress in the core, which explains what is wrong. */
const address = z.string().max(200);
const password = z.string().min(1, 'A password is required').max(LIMITS.password);
const torLines = z.array(z.string().max(LIMITS.torLine)).max(LIMITS.torLines);
const empty = z.object({}).strict();
/** The shape of the cursors the core hands out (`nextCursor`); which positions exist only the core's store can tell. */
const historyCursor = z
  .string()
  .regex(/^[1-9]\d{0,14}$/u, 'This is not a position Allium gave out for this conversation; ask for the newest page again');
const delivery = z.enum(['hold', 'relay']);
const groupId = z.string().regex(/^[0-9a-f]{32}$/, 'This is not a group Allium knows');
const groupName = z.string().trim().min(1, 'A group needs a name').max(LIMITS.groupName);
const directoryName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, 'Public group names use lower-case letters, digits and hyphens (not at the start or end), up to 32');
const joinPolicy = z.enum(['open', 'ask']);

export const commandInputs = {
  'profiles.list': empty,
  'profiles.create': z.object({ label: z.string().trim().min(1).max(LIMITS.label), nickname, password }).strict(),
  'profiles.unlock': z.object({ profileId: z.string().min(1).max(100), password }).strict(),
  'profiles.lock': empty,
  'profiles.delete': z.object({ profileId: z.string().min(1).max(100), password }).strict(),
  'profiles.changePassword': z.object({ oldPassword: password, newPassword: password }).strict(),
  'profiles.passwordStrength': z.object({ password: z.string().max(LIMITS.password) }).strict(),
  'profiles.exportBackup': z.object({ passphrase: password, includeHistory: z.boolean() }).strict(),
  'profiles.importBackup': z
    .object({ data: z.string().min(1).max(LIMITS.backupBytesBase64), passphrase: password, label: z.string().trim().min(1).max(LIMITS.label), password })
    .strict(),
  'session.get': empty,
  'tor.status': empty,
  'identity.get': empty,
  'identity.setNickname': z.object({ nickname }).strict(),
  'contacts.list': empty,
  'contacts.add': z.object({ address, nickname, message: z.string().max(LIMITS.requestMessage) }).strict(),
  'contacts.rename': z.object({ address, nickname }).strict(),
  'contacts.remove': z.object({ address }).strict(),
  'contacts.block': z.object({ address, blocked: z.boolean() }).strict(),
  'contacts.acceptIdentityChange': z.object({ address }).strict(),
  /** null: follow the profile's default. */
  'contacts.setDelivery': z.object({ address, delivery: delivery.nullable() }).strict(),
  'relays.list': empty,
  /** A relay's onion address or its invitation (`allium-relay:…`). */
  'relays.add': z.object({ address: z.string().trim().min(1, 'Enter a relay address or invitation').max(300) }).strict(),
  'relays.remove': z.object({ address }).strict(),
  'requests.list': empty,
  'requests.accept': z.object({ id: z.string().min(1).max(100), nickname: nickname.optional() }).strict(),
  'requests.reject': z.object({ id: z.string().min(1).max(100), block: z.boolean() }).strict(),
  'conversations.history': z
    .object({ address, before: historyCursor.optional(), limit: z.number().int().min(1).max(LIMITS.historyPage) })
    .strict(),
  'conversations.markRead': z.object({ address }).strict(),
  'messages.send': z
    .object({
      address,
      text: z.string().trim().min(1, 'The message is empty').max(LIMITS.messageText),
      /** This message only, if the contact is offline; absent: the contact's choice. */
      via: delivery.optional(),
    })
    .strict(),
  'messages.retry': z.object({ address, id: z.string().min(1).max(100) }).strict(),
  'typing.set': z.object({ address, typing: z.boolean() }).strict(),
  'presence.get': empty,
  'presence.set': z.object({ status: z.enum(['available', 'away', 'busy']), text: z.string().max(LIMITS.statusText) }).strict(),
  'safety.get': z.object({ address }).strict(),
  'safety.setVerified': z.object({ address, verified: z.boolean() }).strict(),
  'groups.list': empty,
  'groups.create': z.object({ name: groupName }).strict(),
  'groups.rename': z.object({ group: groupId, name: groupName }).strict(),
  /** Invites a contact: they accept or decline in their requests inbox. */
  'groups.invite': z.object({ group: groupId, address }).strict(),
  /** A link anyone may use to join (`allium-group:…`); owner and admins only. */
  'groups.inviteLink': z.object({ group: groupId }).strict(),
  'groups.joinByLink': z.object({ link: z.string().trim().min(1, 'Paste a group link').max(LIMITS.groupLink) }).strict(),
  'groups.invitations': empty,
  'groups.acceptInvitation': z.object({ id: z.string().min(1).max(100) }).strict(),
  'groups.declineInvitation': z.object({ id: z.string().min(1).max(100) }).strict(),
  'groups.joinRequests': empty,
  'groups.answerJoinRequest': z.object({ id: z.string().min(1).max(100), admit: z.boolean() }).strict(),
  'groups.removeMember': z.object({ group: groupId, address }).strict(),
  'groups.setRole': z.object({ group: groupId, address, role: z.enum(['admin', 'member']) }).strict(),
  'groups.leave': z.object({ group: groupId }).strict(),
  /** Forgets a group we left or were removed from, with its history. */
  'groups.delete': z.object({ group: groupId }).strict(),
  'groups.history': z.object({ group: groupId, before: historyCursor.optional(), limit: z.number().int().min(1).max(LIMITS.historyPage) }).strict(),
  'groups.markRead': z.object({ group: groupId }).strict(),
  'groups.send': z
    .object({ group: groupId, text: z.string().trim().min(1, 'The message is empty').max(LIMITS.messageText), via: delivery.optional() })
    .strict(),
  'groups.setDelivery': z.object({ group: groupId, delivery }).strict(),
  /** LIST: the public groups on my relays, with member counts. */
  'groups.directory': empty,
  /** JOIN by name: the group of that name on the relay (the first of mine by default), or a new one registered there. */
  'groups.joinByName': z.object({ name: directoryName, relay: address.optional() }).strict(),
  /** Lists (or updates the listing of) a group we own on one of my relays. */
  'groups.publish': z
    .object({ group: groupId, relay: address, name: directoryName, description: z.string().trim().max(LIMITS.groupDescription), policy: joinPolicy })
    .strict(),
  'groups.unpublish': z.object({ group: groupId }).strict(),
  /**
   * Hands the core a file to send, a chunk at a time, in order (every chunk but the last a multiple of 64 KiB): the
   * first call, without `upload`, starts one. The core seals as it receives; nothing is sent until files.send.
   */
  'files.upload': z
    .object({
      upload: z.string().regex(/^[0-9a-f]{32}$/).optional(),
      /** The whole file's size, the same in every call of one upload. */
      size: z.number().int().min(0).max(LIMITS.fileBytes, 'Files up to 256 MiB can be sent'),
      offset: z.number().int().min(0).max(LIMITS.fileBytes),
      data: z.base64().max(Math.ceil(LIMITS.fileChunkBytes / 3) * 4),
    })
    .strict(),
  /** Offers an uploaded file in a conversation (a contact's address or a group's id). */
  'files.send': z
    .object({
      conversation: z.string().min(1).max(200),
      upload: z.string().regex(/^[0-9a-f]{32}$/),
      name: z.string().trim().min(1, 'The file has no name').max(LIMITS.fileName),
      via: delivery.optional(),
    })
    .strict(),
  'files.accept': z.object({ conversation: z.string().min(1).max(200), id: z.string().regex(/^[0-9a-f]{32}$/) }).strict(),
  'files.cancel': z.object({ conversation: z.string().min(1).max(200), id: z.string().regex(/^[0-9a-f]{32}$/) }).strict(),
  /** Tries a failed or interrupted transfer again, from where it stopped. */
  'files.retry': z.object({ conversation: z.string().min(1).max(200), id: z.string().regex(/^[0-9a-f]{32}$/) }).strict(),
  /** Verified bytes of a sent or received file, for previews and "save as" in the page. */
  'files.read': z
    .object({
      conversation: z.string().min(1).max(200),
      id: z.string().regex(/^[0-9a-f]{32}$/),
      offset: z.number().int().min(0),
      length: z.number().int().min(1).max(LIMITS.fileChunkBytes),
    })
    .strict(),
  /** Decrypts a received file into the downloads folder (a safe, unused name); never opens it. */
  'files.save': z.object({ conversation: z.string().min(1).max(200), id: z.string().regex(/^[0-9a-f]{32}$/) }).strict(),
  'settings.get': empty,
  'settings.update': z
    .object({
      notifications: z.object({ enabled: z.boolean(), showContent: z.boolean() }).strict().optional(),
      theme: z.enum(['light', 'dark', 'system']).optional(),
      bridges: torLines.optional(),
      torOptions: torLines.optional(),
      defaultDelivery: delivery.optional(),
      autoAcceptBytes: z.number().int().min(0).max(LIMITS.fileBytes).optional(),
      downloadsDir: z.string().trim().min(1).max(1_000).optional(),
    })
    .strict(),
} as const;

/** What each command answers. */
export interface CommandOutputs {
  'profiles.list': ProfileSummary[];
  'profiles.create': ProfileSummary;
  'profiles.unlock': SessionDto;
  'profiles.lock': null;
  'profiles.delete': null;
  'profiles.changePassword': null;
  'profiles.passwordStrength': PasswordStrengthDto;
  'profiles.exportBackup': BackupDto;
  'profiles.importBackup': ProfileSummary;
  /** The unlocked session, or null when locked. */
  'session.get': SessionDto | null;
  'tor.status': TorStatusDto;
  'identity.get': IdentityDto;
  'identity.setNickname': IdentityDto;
  'contacts.list': ContactDto[];
  'contacts.add': ContactDto;
  'contacts.rename': ContactDto;
  'contacts.remove': null;
  'contacts.block': ContactDto;
  'contacts.acceptIdentityChange': ContactDto;
  'contacts.setDelivery': ContactDto;
  'relays.list': RelayDto[];
  'relays.add': RelayDto;
  'relays.remove': null;
  'requests.list': ContactRequestDto[];
  'requests.accept': ContactDto;
  'requests.reject': null;
  'conversations.history': HistoryPageDto;
  'conversations.markRead': null;
  'messages.send': MessageDto;
  'messages.retry': MessageDto;
  'typing.set': null;
  'presence.get': PresenceDto;
  'presence.set': PresenceDto;
  'safety.get': SafetyNumberDto;
  'safety.setVerified': SafetyNumberDto;
  'groups.list': GroupDto[];
  'groups.create': GroupDto;
  'groups.rename': GroupDto;
  'groups.invite': null;
  'groups.inviteLink': { readonly link: string };
  'groups.joinByLink': GroupDto;
  'groups.invitations': GroupInvitationDto[];
  'groups.acceptInvitation': GroupDto;
  'groups.declineInvitation': null;
  'groups.joinRequests': GroupJoinRequestDto[];
  'groups.answerJoinRequest': null;
  'groups.removeMember': GroupDto;
  'groups.setRole': GroupDto;
  'groups.leave': GroupDto;
  'groups.delete': null;
  'groups.history': HistoryPageDto;
  'groups.markRead': null;
  'groups.send': MessageDto;
  'groups.setDelivery': GroupDto;
  'groups.directory': DirectoryDto;
  'groups.joinByName': GroupDto;
  'groups.publish': GroupDto;
  'groups.unpublish': GroupDto;
  'files.upload': FileUploadDto;
  'files.send': MessageDto;
  'files.accept': MessageDto;
  'files.cancel': MessageDto;
  'files.retry': MessageDto;
  'files.read': { readonly data: string; readonly size: number };
  'files.save': { readonly path: string };
  'settings.get': SettingsDto;
  'settings.update': SettingsDto;
}

export type CommandName = keyof typeof commandInputs;
/** What a caller passes. */
export type CommandInput<C extends CommandName> = z.input<(typeof commandInputs)[C]>;
/** What a handler receives, after validation (trimmed, defaults applied). */
export type ValidatedInput<C extends CommandName> = z.output<(typeof commandInputs)[C]>;

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && Object.hasOwn(commandInputs, value);
}
