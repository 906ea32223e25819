// The API's file commands, answered by the unlocked profile's file part of messaging.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ApiHandlers } from '../shared/api/index.js';
import type { ProfileRuntime } from './profile-runtime.js';

type FileCommand = Extract<keyof ApiHandlers, `files.${string}`>;

/** Where files are saved until the user chooses a folder: their Downloads folder. */
export function defaultDownloadsDir(): string {
  return join(homedir(), 'Downloads');
}

/** A group's id (32 hex digits) rather than a contact's address. */
const isGroup = (conversation: string): boolean => /^[0-9a-f]{32}$/.test(conversation);

export function fileHandlers(runtime: () => ProfileRuntime): Pick<ApiHandlers, FileCommand> {
  const files = () => runtime().messenger.files;
  return {
    'files.upload': ({ upload, size, offset, data }) => files().upload(upload, size, offset, data),
    'files.send': ({ conversation, upload, name, via }) =>
      isGroup(conversation) ? files().sendToGroup(conversation, upload, name, via) : files().send(conversation, upload, name, via),
    'files.accept': ({ conversation, id }) => files().accept(conversation, id),
    'files.cancel': ({ conversation, id }) => files().cancel(conversation, id),
    'files.retry': ({ conversation, id }) => files().retry(conversation, id),
    'files.read': ({ conversation, id, offset, length }) => files().read(conversation, id, offset, length),
    'files.save': ({ conversation, id }) => files().save(conversation, id),
  };
}
