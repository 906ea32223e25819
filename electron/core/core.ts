// The core facade: profiles, and for the unlocked one its runtime, exposed as the API contract's commands and events.
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiError,
  type ApiEvents,
  type ApiHandlers,
  type CommandName,
  type EventName,
  type SessionDto,
  type SettingsDto,
} from '../shared/api/index.js';
import { toApiError } from './api-errors.js';
import { defaultDownloadsDir, fileHandlers } from './file-handlers.js';
import { groupHandlers } from './group-handlers.js';
import { ProfileRuntime } from './profile-runtime.js';
import { checkPasswordStrength, createProfileStore, type ProfileSession, type ProfileStore, type ScryptParams } from './store/index.js';
import { validateExtraTorrcLines } from './tor/torrc.js';

export interface CoreOptions {
  /** Where profiles and tor data live (e.g. ~/.local/share/Allium). */
  readonly dataDir: string;
  /** Bundled tor builds, `<platform>-<arch>/tor`. */
  readonly resourcesDir?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Password hashing cost; tests pass cheap parameters. */
  readonly kdf?: ScryptParams;
  readonly log?: (line: string) => void;
}

type CoreEventMap = { [E in EventName]: [ApiEvents[E]] };

export interface Core {
  readonly handlers: ApiHandlers;
  readonly events: {
    on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): void;
    off<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): void;
  };
  /** Locks the open profile (stopping its tor) and closes the store. Idempotent. */
  stop(): Promise<void>;
}

interface Unlocked {
  readonly session: ProfileSession;
  readonly runtime: ProfileRuntime;
}

const STOPPED_TOR = { state: 'stopped', progress: 0, summary: 'tor starts when you sign in' } as const;

export function createCore(options: CoreOptions): Promise<Core> {
  const store: ProfileStore = createProfileStore({ rootDir: options.dataDir, ...(options.kdf === undefined ? {} : { kdf: options.kdf }) });
  const emitter = new EventEmitter<CoreEventMap>();
  let unlocked: Unlocked | undefined;
  const log = options.log ?? ((line: string) => console.log(`[core] ${line}`));

  const requireUnlocked = (): Unlocked => {
    if (unlocked === undefined) throw new ApiError('locked', 'Sign in to a profile first.');
    return unlocked;
  };

  const sessionDto = ({ session, runtime }: Unlocked): SessionDto => ({ profile: session.profile, identity: runtime.identity() });

  /** Unlock, lock, delete and stop run one at a time: two overlapping unlocks would each start a tor, and one would leak. */
  let transitions: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const next = transitions.then(work, work);
    transitions = next.catch(() => undefined);
    return next;
  };

  const open = async (session: ProfileSession): Promise<SessionDto> => {
    // Signing in again to the open profile (a second window) finds it running: nothing to stop or start.
    if (unlocked?.session === session) return sessionDto(unlocked);
    if (unlocked !== undefined) await lock();
    let runtime: ProfileRuntime;
    try {
      runtime = await ProfileRuntime.start({
        session,
        torDir: join(options.dataDir, 'tor', session.profile.id),
        ...(options.resourcesDir === undefined ? {} : { resourcesDir: options.resourcesDir }),
        ...(options.env === undefined ? {} : { env: options.env }),
        log,
      });
    } catch (error) {
      await session.lock();
      throw error;
    }
    for (const name of Object.keys(forwarded) as (keyof typeof forwarded)[]) runtime.on(name, forwarded[name]);
    unlocked = { session, runtime };
    return sessionDto(unlocked);
  };

  const lock = async (): Promise<void> => {
    const current = unlocked;
    if (current === undefined) return;
    unlocked = undefined;
    await current.runtime.stop();
    await current.session.lock();
    emitter.emit('session.locked', {});
    emitter.emit('tor.status', STOPPED_TOR);
  };

  const forwarded = {
    'tor.status': (p: ApiEvents['tor.status']) => emitter.emit('tor.status', p),
    'identity.updated': (p: ApiEvents['identity.updated']) => emitter.emit('identity.updated', p),
    'contact.updated': (p: ApiEvents['contact.updated']) => emitter.emit('contact.updated', p),
    'contact.removed': (p: ApiEvents['contact.removed']) => emitter.emit('contact.removed', p),
    'request.received': (p: ApiEvents['request.received']) => emitter.emit('request.received', p),
    'request.removed': (p: ApiEvents['request.removed']) => emitter.emit('request.removed', p),
    'message.received': (p: ApiEvents['message.received']) => emitter.emit('message.received', p),
    'message.updated': (p: ApiEvents['message.updated']) => emitter.emit('message.updated', p),
    'relays.updated': (p: ApiEvents['relays.updated']) => emitter.emit('relays.updated', p),
    'group.updated': (p: ApiEvents['group.updated']) => emitter.emit('group.updated', p),
    'group.removed': (p: ApiEvents['group.removed']) => emitter.emit('group.removed', p),
    'group.invitation': (p: ApiEvents['group.invitation']) => emitter.emit('group.invitation', p),
    'group.invitation.removed': (p: ApiEvents['group.invitation.removed']) => emitter.emit('group.invitation.removed', p),
    'group.joinRequest': (p: ApiEvents['group.joinRequest']) => emitter.emit('group.joinRequest', p),
    'group.joinRequest.removed': (p: ApiEvents['group.joinRequest.removed']) => emitter.emit('group.joinRequest.removed', p),
  } as const;

  const settingsDto = (session: ProfileSession): SettingsDto => {
    const s = session.state.settings;
    return {
      notifications: { ...s.notifications },
      theme: s.theme,
      bridges: [...s.bridges],
      torOptions: [...s.torOptions],
      defaultDelivery: s.defaultDelivery,
      autoAcceptBytes: s.autoAcceptBytes,
      downloadsDir: s.downloadsDir === '' ? defaultDownloadsDir() : s.downloadsDir,
    };
  };

  const handlers: ApiHandlers = {
    'profiles.list': async () => (await store.listProfiles()).profiles,
    'profiles.create': async ({ label, nickname, password }) => {
      const session = await store.createProfile({ label, nickname, password });
      const profile = session.profile;
      await session.lock();
      return profile;
    },
    'profiles.unlock': ({ profileId, password }) => oneAtATime(async () => open(await store.unlock(profileId, password))),
    'profiles.lock': () =>
      oneAtATime(async () => {
        await lock();
        return null;
      }),
    'profiles.delete': ({ profileId, password }) =>
      oneAtATime(async () => {
        if (unlocked?.session.profile.id === profileId) await lock();
        await store.deleteProfile(profileId, password);
        await rm(join(options.dataDir, 'tor', profileId), { recursive: true, force: true });
        return null;
      }),
    'profiles.changePassword': async ({ oldPassword, newPassword }) => {
      await requireUnlocked().session.changePassword(oldPassword, newPassword);
      return null;
    },
    'profiles.passwordStrength': ({ password }) => Promise.resolve(checkPasswordStrength(password)),
    'profiles.exportBackup': async ({ passphrase, includeHistory }) => {
      const { session } = requireUnlocked();
      const data = await session.exportBackup({ passphrase, includeHistory });
      const day = new Date().toISOString().slice(0, 10);
      return { fileName: `allium-${session.profile.label.replace(/[^\w-]+/g, '_')}-${day}.allium-backup`, data: Buffer.from(data).toString('base64') };
    },
    'profiles.importBackup': async ({ data, passphrase, label, password }) => {
      const session = await store.importBackup({ data: new Uint8Array(Buffer.from(data, 'base64')), passphrase, password, label });
      const profile = session.profile;
      await session.lock();
      return profile;
    },
    'session.get': () => Promise.resolve(unlocked === undefined ? null : sessionDto(unlocked)),
    'tor.status': () => Promise.resolve(unlocked === undefined ? STOPPED_TOR : unlocked.runtime.torStatus()),
    'identity.get': () => Promise.resolve(requireUnlocked().runtime.identity()),
    'identity.setNickname': async ({ nickname }) => {
      const { session, runtime } = requireUnlocked();
      await session.state.setNickname(nickname);
      await runtime.messenger.announceNickname();
      const identity = runtime.identity();
      emitter.emit('identity.updated', identity);
      return identity;
    },
    'contacts.list': () => Promise.resolve(requireUnlocked().runtime.messenger.contacts()),
    'contacts.add': ({ address, nickname, message }) => requireUnlocked().runtime.messenger.addContact(address, nickname, message),
    'contacts.rename': ({ address, nickname }) => requireUnlocked().runtime.messenger.renameContact(address, nickname),
    'contacts.remove': async ({ address }) => {
      await requireUnlocked().runtime.messenger.removeContact(address);
      return null;
    },
    'contacts.block': ({ address, blocked }) => requireUnlocked().runtime.messenger.setBlocked(address, blocked),
    'contacts.acceptIdentityChange': ({ address }) => requireUnlocked().runtime.messenger.acceptIdentityChange(address),
    'contacts.setDelivery': ({ address, delivery }) => requireUnlocked().runtime.messenger.setDelivery(address, delivery),
    'relays.list': () => Promise.resolve(requireUnlocked().runtime.relays.list()),
    'relays.add': ({ address }) => requireUnlocked().runtime.relays.add(address),
    'relays.remove': async ({ address }) => {
      await requireUnlocked().runtime.relays.remove(address);
      return null;
    },
    'requests.list': () => Promise.resolve(requireUnlocked().runtime.messenger.requests()),
    'requests.accept': ({ id, nickname }) => requireUnlocked().runtime.messenger.acceptRequest(id, nickname),
    'requests.reject': async ({ id, block }) => {
      await requireUnlocked().runtime.messenger.rejectRequest(id, block);
      return null;
    },
    'conversations.history': ({ address, before, limit }) => requireUnlocked().runtime.messenger.history(address, before, limit),
    'conversations.markRead': async ({ address }) => {
      await requireUnlocked().runtime.messenger.markRead(address);
      return null;
    },
    'messages.send': ({ address, text, via }) =>
      requireUnlocked().runtime.messenger.sendText(address, text, via === undefined ? undefined : via === 'relay' ? 'relay' : 'direct'),
    'messages.retry': ({ address, id }) => requireUnlocked().runtime.messenger.retry(address, id),
    'typing.set': ({ address, typing }) => {
      requireUnlocked().runtime.messenger.setTyping(address, typing);
      return Promise.resolve(null);
    },
    'presence.get': () => Promise.resolve({ ...requireUnlocked().session.state.settings.presence }),
    'presence.set': ({ status, text }) => requireUnlocked().runtime.messenger.setPresence({ status, text: text.trim() }),
    'safety.get': async ({ address }) => {
      const { runtime } = requireUnlocked();
      const contact = runtime.messenger.contact(address);
      return { address: contact.address, digits: await runtime.signal.safetyNumber(contact.address), verified: contact.verified };
    },
    'safety.setVerified': async ({ address, verified }) => {
      const { runtime } = requireUnlocked();
      const contact = await runtime.messenger.setVerified(address, verified);
      if (verified) await runtime.signal.markVerified(contact.address);
      return { address: contact.address, digits: await runtime.signal.safetyNumber(contact.address), verified: contact.verified };
    },
    ...groupHandlers(() => requireUnlocked().runtime),
    ...fileHandlers(() => requireUnlocked().runtime),
    'settings.get': () => Promise.resolve(settingsDto(requireUnlocked().session)),
    'settings.update': async (patch) => {
      const { session, runtime } = requireUnlocked();
      const before = session.state.settings;
      const bridges = patch.bridges?.map((b) => b.trim()).filter((b) => b !== '') ?? before.bridges;
      const torOptions = patch.torOptions === undefined ? before.torOptions : validateExtraTorrcLines(patch.torOptions, 'Tor options');
      await session.state.updateSettings({
        ...(patch.notifications === undefined ? {} : { notifications: patch.notifications }),
        ...(patch.theme === undefined ? {} : { theme: patch.theme }),
        ...(patch.defaultDelivery === undefined ? {} : { defaultDelivery: patch.defaultDelivery }),
        ...(patch.autoAcceptBytes === undefined ? {} : { autoAcceptBytes: patch.autoAcceptBytes }),
        ...(patch.downloadsDir === undefined ? {} : { downloadsDir: patch.downloadsDir }),
        bridges,
        torOptions,
      });
      if (JSON.stringify([bridges, torOptions]) !== JSON.stringify([before.bridges, before.torOptions])) {
        void runtime.reconfigureTor(bridges, torOptions, options.resourcesDir).catch((error: unknown) => log(`tor restart failed: ${String(error)}`));
      }
      return settingsDto(session);
    },
  };

  return Promise.resolve({
    handlers: translateErrors(handlers, log),
    events: {
      on: (event, listener) => emitter.on(event, listener as never),
      off: (event, listener) => emitter.off(event, listener as never),
    },
    stop: () =>
      oneAtATime(async () => {
        await lock();
        await store.close();
      }),
  });
}

/** Every handler answers errors as ApiError, so the transport never sees an internal class or a stack. */
function translateErrors(handlers: ApiHandlers, log: (line: string) => void): ApiHandlers {
  const wrapped: Partial<Record<CommandName, unknown>> = {};
  for (const name of Object.keys(handlers) as CommandName[]) {
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    wrapped[name] = async (input: unknown) => {
      try {
        return await handler(input);
      } catch (error) {
        const apiError = toApiError(error);
        if (apiError.code === 'internal') log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        throw apiError;
      }
    };
  }
  return wrapped as ApiHandlers;
}
