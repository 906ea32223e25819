// Files in the screenshot core, in memory: a sent picture, a received sound and SVG, an offer to accept, a video arriving, and uploads that "send".
import { ApiError, type ApiHandlers, type FileDto, type MessageDto } from '../../electron/shared/api/index.js';
import type { AnyApiEvent } from '../../electron/shared/rpc/index.js';
import { base64ToBytes, bytesToBase64 } from '../src/lib/base64.js';
import { chimeWav, landscapePng } from './fake-media.js';

type FileHandlers = Pick<ApiHandlers, Extract<keyof ApiHandlers, `files.${string}`>>;

export interface FakeFilesOptions {
  readonly emit: (event: AnyApiEvent) => void;
  /** The conversation the sample files are in (a contact's address). */
  readonly conversation: string;
  readonly minutes: (count: number) => string;
  readonly downloadsDir: () => string;
}

interface StoredFile {
  message: MessageDto;
  /** Real bytes where the sample has them; otherwise reads give zeros of the right size. */
  readonly bytes?: Uint8Array;
}

const MIB = 1024 * 1024;
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');

function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What the core would sniff from the first bytes: enough for the samples and common pictures. */
function sniff(bytes: Uint8Array): Pick<FileDto, 'mime' | 'preview'> {
  const starts = (...sig: number[]): boolean => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return { mime: 'image/png', preview: 'image' };
  if (starts(0xff, 0xd8, 0xff)) return { mime: 'image/jpeg', preview: 'image' };
  if (starts(0x47, 0x49, 0x46, 0x38)) return { mime: 'image/gif', preview: 'image' };
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57) return { mime: 'audio/wav', preview: 'audio' };
  return { mime: 'application/octet-stream' };
}

/** The sample file messages, oldest first, to append to the conversation's history. */
export function fakeFileMessages(options: FakeFilesOptions): {
  messages: MessageDto[];
  handlers: FileHandlers;
  /** A history message as it looks now (file messages change as they move). */
  current: (message: MessageDto) => MessageDto;
} {
  const files = new Map<string, StoredFile>();
  const uploads = new Map<string, { size: number; parts: Uint8Array[]; received: number }>();
  const put = (file: FileDto, direction: 'in' | 'out', sentAt: string, bytes?: Uint8Array): MessageDto => {
    const message: MessageDto = { id: file.id, conversation: options.conversation, direction, text: '', sentAt, state: 'delivered', file };
    files.set(file.id, bytes === undefined ? { message } : { message, bytes });
    return message;
  };
  const png = landscapePng();
  const wav = chimeWav();
  const messages = [
    put({ id: '5e1f0c2a9b7d4e3f8a6b1c0d2e3f4a5b', name: 'view-from-the-hotel.png', size: png.length, mime: 'image/png', preview: 'image', state: 'sent', bytes: png.length }, 'out', options.minutes(14), png),
    put({ id: '7a2b3c4d5e6f708192a3b4c5d6e7f809', name: 'doorbell-chime.wav', size: wav.length, mime: 'audio/wav', preview: 'audio', state: 'received', bytes: wav.length }, 'in', options.minutes(13), wav),
    put({ id: '0f1e2d3c4b5a69788796a5b4c3d2e1f0', name: 'floor-plan.svg', size: SVG.length, mime: 'image/svg+xml', state: 'received', bytes: SVG.length }, 'in', options.minutes(12), SVG),
    put({ id: '9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a49', name: 'conference-talk.webm', size: 84 * MIB, mime: 'video/webm', preview: 'video', state: 'receiving', bytes: 31 * MIB }, 'in', options.minutes(11)),
    put({ id: '1b2c3d4e5f60718293a4b5c6d7e8f901', name: 'slides-day-2.pdf', size: 48 * MIB, mime: 'application/pdf', state: 'offered', bytes: 0 }, 'in', options.minutes(10)),
  ];

  const find = (conversation: string, id: string): StoredFile => {
    const found = files.get(id);
    if (found === undefined || found.message.conversation !== conversation) throw new ApiError('file-not-found', 'There is no such file in this conversation.');
    return found;
  };
  const change = (id: string, patch: Partial<FileDto>): MessageDto => {
    const stored = files.get(id);
    if (stored?.message.file === undefined) throw new ApiError('file-not-found', 'There is no such file in this conversation.');
    stored.message = { ...stored.message, file: { ...stored.message.file, ...patch } };
    options.emit({ name: 'message.changed', payload: stored.message });
    return stored.message;
  };
  /** Moves a transfer along in a few steps, as the core's progress events would. */
  const transfer = (id: string, done: 'sent' | 'received'): void => {
    const stored = files.get(id);
    const size = stored?.message.file?.size ?? 0;
    [0.25, 0.6, 1].forEach((share, step) =>
      setTimeout(() => {
        const current = files.get(id)?.message.file;
        if (current?.state !== 'sending' && current?.state !== 'receiving') return;
        const bytes = Math.round(size * share);
        options.emit({ name: 'file.progress', payload: { conversation: options.conversation, id, bytes, total: size } });
        if (share === 1) change(id, { state: done, bytes });
      }, 400 * (step + 1)),
    );
  };

  const handlers: FileHandlers = {
    'files.upload': ({ upload, size, offset, data }) => {
      const id = upload ?? randomId();
      const current = uploads.get(id) ?? { size, parts: [], received: 0 };
      if (offset !== current.received) return Promise.reject(new ApiError('invalid-input', `The upload continues at byte ${String(current.received)}.`));
      const bytes = base64ToBytes(data);
      current.parts.push(bytes);
      current.received += bytes.length;
      uploads.set(id, current);
      return Promise.resolve({ upload: id, received: current.received });
    },
    'files.send': ({ conversation, upload, name }) => {
      const done = uploads.get(upload);
      if (done === undefined || done.received !== done.size) return Promise.reject(new ApiError('file-not-found', 'This upload is not complete.'));
      uploads.delete(upload);
      const bytes = new Uint8Array(done.size);
      let offset = 0;
      for (const part of done.parts) {
        bytes.set(part, offset);
        offset += part.length;
      }
      const message: MessageDto = {
        id: upload,
        conversation,
        direction: 'out',
        text: '',
        sentAt: new Date().toISOString(),
        state: 'delivered',
        file: { id: upload, name, size: bytes.length, ...sniff(bytes), state: 'offered', bytes: 0 },
      };
      files.set(upload, { message, bytes });
      setTimeout(() => {
        change(upload, { state: 'sending' });
        transfer(upload, 'sent');
      }, 300);
      return Promise.resolve(message);
    },
    'files.accept': ({ conversation, id }) => {
      find(conversation, id);
      const message = change(id, { state: 'receiving' });
      transfer(id, 'received');
      return Promise.resolve(message);
    },
    'files.cancel': ({ conversation, id }) => {
      const { message } = find(conversation, id);
      const state = message.file?.state;
      return Promise.resolve(state === 'sent' || state === 'received' ? message : change(id, { state: 'cancelled' }));
    },
    'files.retry': ({ conversation, id }) => {
      const { message } = find(conversation, id);
      if (message.direction === 'out') return Promise.resolve(change(id, { state: 'offered' }));
      const next = change(id, { state: 'receiving' });
      transfer(id, 'received');
      return Promise.resolve(next);
    },
    'files.read': ({ conversation, id, offset, length }) => {
      const stored = find(conversation, id);
      const file = stored.message.file;
      if (file?.state !== 'sent' && file?.state !== 'received') return Promise.reject(new ApiError('file-not-found', 'This file has not been received yet.'));
      const end = Math.min(file.size, offset + length);
      const slice = stored.bytes?.subarray(offset, end) ?? new Uint8Array(Math.max(0, end - offset));
      return Promise.resolve({ data: bytesToBase64(slice), size: file.size });
    },
    'files.save': ({ conversation, id }) => {
      const file = find(conversation, id).message.file;
      if (file?.state !== 'sent' && file?.state !== 'received') return Promise.reject(new ApiError('file-not-found', 'This file has not been received yet.'));
      const path = `${options.downloadsDir()}/${file.name}`;
      change(id, { savedTo: path });
      return Promise.resolve({ path });
    },
  };
  return { messages, handlers, current: (message) => files.get(message.id)?.message ?? message };
}
