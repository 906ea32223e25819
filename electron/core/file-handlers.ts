// The API's file commands, answered by the unlocked profile's file part of messaging.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiError, type ApiHandlers } from '../shared/api/index.js';
import type { ProfileRuntime } from './profile-runtime.js';

type FileCommand = Extract<keyof ApiHandlers, `files.${string}`>;

/** Where files are saved until the user chooses a folder: their Downloads folder. */
export function defaultDownloadsDir(): string {
  return join(homedir(), 'Downloads');
}

/** Files in groups come with a later change; until then a group id is refused in words. */
function oneToOne(conversation: string): string {
  if (/^[0-9a-f]{32}$/.test(conversation)) throw new ApiError('not-allowed', 'Files cannot be sent to groups yet.');
  return conversation;
}

export function fileHandlers(runtime: () => ProfileRuntime): Pick<ApiHandlers, FileCommand> {
  const files = () => runtime().messenger.files;
  return {
    'files.upload': ({ upload, size, offset, data }) => files().upload(upload, size, offset, data),
    'files.send': ({ conversation, upload, name, via }) => files().send(oneToOne(conversation), upload, name, via),
    'files.accept': ({ conversation, id }) => files().accept(conversation, id),
    'files.cancel': ({ conversation, id }) => files().cancel(conversation, id),
    'files.retry': ({ conversation, id }) => files().retry(conversation, id),
    'files.read': ({ conversation, id, offset, length }) => files().read(conversation, id, offset, length),
    'files.save': ({ conversation, id }) => files().save(conversation, id),
  };
}
