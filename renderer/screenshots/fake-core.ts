// An in-memory stand-in for the core, only for taking screenshots of the built UI: plausible data, every command answered.
import {
  ApiError,
  type ApiHandlers,
  type ContactDto,
  type ContactRequestDto,
  type MessageDto,
  type PresenceDto,
  type ProfileSummary,
  type RelayDto,
  type SettingsDto,
  type TorStatusDto,
} from '../../electron/shared/api/index.js';
import { parseOnionAddress } from '../../electron/shared/onion-address/index.js';
import type { AnyApiEvent, ApiBackend } from '../../electron/shared/rpc/index.js';
import { fakeFileMessages } from './fake-files.js';
import { fakeGroupHandlers } from './fake-groups.js';

// Valid v3 addresses from tor's tests and rend-spec-v3 §6.
export const ADDRESSES = {
  me: '25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid',
  alice: 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd',
  bob: 'sp3k262uwy4r2k3ycr5awluarykdpag6a7y33jxop4cs2lu5uz5sseqd',
  carol: 'xa4r2iadxm55fbnqgwwi5mymqdcofiu3w6rpbtqn7b2dyn7mgwj64jyd',
} as const;

export interface FakeScenario {
  readonly profiles: ProfileSummary[];
  readonly tor: TorStatusDto;
  /** How many messages Alice's conversation holds. */
  readonly historySize: number;
  /** The instant the seeded history is dated back from (ms); tests pin it, so no run of messages straddles midnight. */
  readonly now?: number;
}

const PASSWORD = 'correct horse battery staple';
/** An instant `count` minutes before `now`, as the API dates things. */
const minutesBefore = (now: number) => (count: number): string => new Date(now - count * 60_000).toISOString();

export interface FakeCore extends ApiBackend {
  emit(event: AnyApiEvent): void;
}

export function createFakeCore(scenario: FakeScenario): FakeCore {
  const minutes = minutesBefore(scenario.now ?? Date.now());
  const listeners = new Set<(event: AnyApiEvent) => void>();
  const emit = (event: AnyApiEvent): void => {
    for (const listener of listeners) listener(event);
  };
  const profiles = [...scenario.profiles];
  let unlocked = false;
  let tor = scenario.tor;
  let presence: PresenceDto = { status: 'available', text: 'Working from the library today' };
  let settings: SettingsDto = { notifications: { enabled: true, showContent: false }, theme: 'system', bridges: [], torOptions: [], defaultDelivery: 'hold', autoAcceptBytes: 25 * 1024 * 1024, downloadsDir: '/home/you/Downloads' };
  const identity = {
    address: ADDRESSES.me,
    nickname: 'Sam',
    reachability: 'reachable' as const,
    shareText: `${ADDRESSES.me}.onion`,
  };
  const history = aliceHistory(scenario.historySize, minutes);
  const files = fakeFileMessages({ emit, conversation: ADDRESSES.alice, minutes, downloadsDir: () => settings.downloadsDir });
  // The samples arrived just before the last few text messages.
  history.splice(history.length - ALICE_TAIL, 0, ...files.messages);
  let relays: RelayDto[] = [];
  const contacts = new Map<string, ContactDto>([
    [
      ADDRESSES.alice,
      contact(ADDRESSES.alice, 'Alice', {
        online: true,
        typing: true,
        verified: true,
        unread: 2,
        presence: { status: 'available', text: 'At the conference until Friday' },
        lastMessage: { text: history.at(-1)?.text ?? '', at: history.at(-1)?.sentAt ?? minutes(1), direction: 'in' },
      }),
    ],
    [
      ADDRESSES.bob,
      contact(ADDRESSES.bob, 'Bob', {
        online: true,
        presence: { status: 'away', text: 'Back in an hour' },
        identityChanged: true,
        lastMessage: { text: 'Did you get the slides?', at: minutes(180), direction: 'in' },
      }),
    ],
    [ADDRESSES.carol, contact(ADDRESSES.carol, 'Carol', { pending: true })],
  ]);
  const requests: ContactRequestDto[] = [
    {
      id: 'request-1',
      address: ADDRESSES.carol,
      nickname: 'Dana from the reading group',
      message: 'Hi! We met at the reading group on Tuesday; Alice gave me your address.',
      receivedAt: minutes(25),
    },
    { id: 'request-2', address: ADDRESSES.bob, nickname: '<img src=x onerror=alert(1)>', message: 'مرحبا — this request has hostile text 👩‍👩‍👧‍👦', receivedAt: minutes(90) },
  ];

  const requireUnlocked = (): void => {
    if (!unlocked) throw new ApiError('locked', 'The profile is locked');
  };
  const find = (address: string): ContactDto => {
    const found = contacts.get(address);
    if (found === undefined) throw new ApiError('contact-not-found', 'No such contact');
    return found;
  };
  const update = (address: string, change: Partial<ContactDto>): ContactDto => {
    const next = { ...find(address), ...change };
    contacts.set(address, next);
    return next;
  };

  const handlers: ApiHandlers = {
    'profiles.list': () => Promise.resolve(profiles),
    'profiles.create': ({ label }) => {
      const profile = { id: `profile-${profiles.length + 1}`, label, createdAt: new Date().toISOString() };
      profiles.push(profile);
      return Promise.resolve(profile);
    },
    'profiles.unlock': ({ profileId, password }) => {
      const profile = profiles.find((p) => p.id === profileId);
      if (profile === undefined) return Promise.reject(new ApiError('profile-not-found', 'No such profile'));
      if (password !== PASSWORD) return Promise.reject(new ApiError('wrong-password', 'Wrong password'));
      unlocked = true;
      return Promise.resolve({ profile, identity });
    },
    'profiles.lock': () => {
      unlocked = false;
      return Promise.resolve(null);
    },
    'profiles.delete': ({ profileId, password }) => {
      const index = profiles.findIndex((p) => p.id === profileId);
      if (index === -1) return Promise.reject(new ApiError('profile-not-found', 'No such profile'));
      if (password !== PASSWORD) return Promise.reject(new ApiError('wrong-password', 'Wrong password'));
      profiles.splice(index, 1);
      return Promise.resolve(null);
    },
    'profiles.changePassword': () => Promise.resolve(null),
    'profiles.passwordStrength': ({ password }) =>
      Promise.resolve(
        password.length < 12
          ? { ok: false, score: Math.min(2, Math.floor(password.length / 4)), reason: 'shorter than 12 characters' }
          : { ok: true, score: Math.min(4, 2 + Math.floor(password.length / 12)) },
      ),
    'profiles.exportBackup': () => Promise.resolve({ fileName: 'allium-sam.backup', data: btoa('backup') }),
    'profiles.importBackup': ({ label }) => Promise.resolve({ id: 'imported', label, createdAt: new Date().toISOString() }),
    'session.get': () => Promise.resolve(null),
    'tor.status': () => Promise.resolve(tor),
    'identity.get': () => Promise.resolve(identity),
    'identity.setNickname': ({ nickname }) => Promise.resolve({ ...identity, nickname }),
    'contacts.list': () => {
      requireUnlocked();
      return Promise.resolve([...contacts.values()]);
    },
    'contacts.add': ({ address, nickname }) => {
      const parsed = parseOnionAddress(address).address;
      const added = contact(parsed, nickname, { pending: true });
      contacts.set(parsed, added);
      return Promise.resolve(added);
    },
    'contacts.rename': ({ address, nickname }) => Promise.resolve(update(address, { nickname })),
    'contacts.remove': ({ address }) => {
      contacts.delete(address);
      return Promise.resolve(null);
    },
    'contacts.block': ({ address, blocked }) => Promise.resolve(update(address, { blocked })),
    'contacts.setDelivery': ({ address, delivery }) => {
      const { delivery: _previous, ...rest } = find(address);
      const next: ContactDto = { ...rest, ...(delivery === null ? {} : { delivery }), effectiveDelivery: delivery ?? settings.defaultDelivery };
      contacts.set(address, next);
      return Promise.resolve(next);
    },
    'relays.list': () => Promise.resolve([...relays]),
    'relays.add': ({ address }) => {
      let bare: string;
      try {
        bare = parseOnionAddress(address.replace(/^allium-relay:/, '')).address;
      } catch (error) {
        return Promise.reject(new ApiError('invalid-relay', error instanceof Error ? error.message : String(error)));
      }
      const relay: RelayDto = { address: bare, invitation: `allium-relay:${bare}.onion`, addedAt: new Date().toISOString(), reachability: 'reachable', mailboxes: 0 };
      relays.push(relay);
      return Promise.resolve(relay);
    },
    'relays.remove': ({ address }) => {
      relays = relays.filter((r) => r.address !== address);
      return Promise.resolve(null);
    },
    'contacts.acceptIdentityChange': ({ address }) => Promise.resolve(update(address, { identityChanged: false })),
    'requests.list': () => Promise.resolve(requests),
    'requests.accept': ({ id }) => {
      const request = requests.find((r) => r.id === id);
      if (request === undefined) return Promise.reject(new ApiError('request-not-found', 'gone'));
      return Promise.resolve(update(request.address, { pending: false }));
    },
    'requests.reject': () => Promise.resolve(null),
    'conversations.history': ({ address, before, limit }) => {
      const messages = address === ADDRESSES.alice ? history : [];
      // Cursors in the core's own form (the row a page ends at, a whole number from 1), which the API's schema checks.
      const end = before === undefined ? messages.length : Number(before);
      const start = Math.max(0, end - limit);
      const page = messages.slice(start, end).reverse().map(files.current);
      return Promise.resolve(start > 0 ? { messages: page, nextCursor: String(start) } : { messages: page });
    },
    'conversations.markRead': ({ address }) => {
      emit({ name: 'contact.updated', payload: update(address, { unread: 0 }) });
      return Promise.resolve(null);
    },
    'messages.send': ({ address, text }) => {
      const message: MessageDto = { id: `sent-${Date.now()}`, conversation: address, direction: 'out', text, sentAt: new Date().toISOString(), state: 'queued' };
      setTimeout(() => emit({ name: 'message.updated', payload: { conversation: address, id: message.id, state: 'delivered' } }), 300);
      return Promise.resolve(message);
    },
    'messages.retry': ({ address, id }) => {
      const message = history.find((m) => m.id === id);
      if (message === undefined) return Promise.reject(new ApiError('message-not-found', 'gone'));
      return Promise.resolve({ ...message, conversation: address, state: 'queued' as const });
    },
    'typing.set': () => Promise.resolve(null),
    'presence.get': () => Promise.resolve(presence),
    'presence.set': (input) => {
      presence = input;
      return Promise.resolve(presence);
    },
    'safety.get': ({ address }) => Promise.resolve({ address, digits: '052139486520731842769501324867590213846752198034576912384056', verified: find(address).verified }),
    'safety.setVerified': ({ address, verified }) => {
      emit({ name: 'contact.updated', payload: update(address, { verified }) });
      return Promise.resolve({ address, digits: '052139486520731842769501324867590213846752198034576912384056', verified });
    },
    ...files.handlers,
    ...fakeGroupHandlers({
      emit,
      me: { address: identity.address, name: identity.nickname },
      people: [
        [ADDRESSES.alice, 'Alice', true],
        [ADDRESSES.bob, 'Bob', true],
        [ADDRESSES.carol, 'Carol', false],
      ],
      minutes,
    }),
    'settings.get': () => Promise.resolve(settings),
    'settings.update': (change) => {
      settings = {
        ...settings,
        ...(change.notifications ? { notifications: change.notifications } : {}),
        ...(change.theme ? { theme: change.theme } : {}),
        ...(change.bridges ? { bridges: change.bridges } : {}),
        ...(change.torOptions ? { torOptions: change.torOptions } : {}),
        ...(change.defaultDelivery ? { defaultDelivery: change.defaultDelivery } : {}),
        ...(change.autoAcceptBytes === undefined ? {} : { autoAcceptBytes: change.autoAcceptBytes }),
        ...(change.downloadsDir ? { downloadsDir: change.downloadsDir } : {}),
      };
      return Promise.resolve(settings);
    },
  };

  return {
    handlers,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      if (event.name === 'tor.status') tor = event.payload;
      emit(event);
    },
  };
}

function contact(address: string, nickname: string, fields: Partial<ContactDto>): ContactDto {
  return {
    address,
    nickname,
    online: false,
    typing: false,
    verified: false,
    identityChanged: false,
    blocked: false,
    pending: false,
    unread: 0,
    effectiveDelivery: 'hold',
    ...fields,
  };
}

/** How many messages end Alice's history after the long part (the sample files go before them). */
const ALICE_TAIL = 6;

/** Oldest first: a long conversation over several days, with links, a failure and hostile text near the end. */
function aliceHistory(size: number, minutes: (count: number) => string): MessageDto[] {
  const lines = [
    'Morning! Did the train get you there on time?',
    'Almost. Twenty minutes late, but I made the first talk.',
    'The notes are here: https://example.org/notes/day-1 — tell me what you think.',
    'Looks good. I would move the part about bridges to the start.',
    'Agreed.\nAlso: can you bring the adapter tomorrow?\nThe one with two plugs.',
    'Sure 👍',
  ];
  const messages: MessageDto[] = [];
  for (let index = 0; index < size; index += 1) {
    const out = index % 3 === 1;
    messages.push({
      id: `alice-${index}`,
      conversation: ADDRESSES.alice,
      direction: out ? 'out' : 'in',
      text: lines[index % lines.length] ?? '',
      sentAt: minutes((size - index) * 37),
      state: 'delivered',
    });
  }
  const tail: Omit<MessageDto, 'id' | 'conversation'>[] = [
    { direction: 'out', text: 'Sent from the hotel: are you around tonight?', sentAt: minutes(9), state: 'failed', error: 'Alice was offline; the message was not delivered' },
    { direction: 'in', text: '<img src=x onerror=alert(1)> is just text here, as it should be', sentAt: minutes(6), state: 'delivered' },
    { direction: 'out', text: 'Great, see you at 8 at the usual place.', sentAt: minutes(4), state: 'delivered' },
    { direction: 'out', text: 'Bringing the adapter.', sentAt: minutes(3), state: 'sent' },
    { direction: 'out', text: 'And the book you lent me.', sentAt: minutes(2), state: 'queued' },
    { direction: 'in', text: 'שלום! مرحبا 👋 Perfect, thanks!', sentAt: minutes(1), state: 'delivered' },
  ];
  tail.forEach((message, index) => messages.push({ ...message, id: `alice-tail-${index}`, conversation: ADDRESSES.alice }));
  return messages;
}
