// A stored file as the API shows it, with the live byte count of a transfer in progress.
import type { FileDto } from '../../../shared/api/index.js';
import type { StoredFile } from '../../store/index.js';

export function fileDto(file: StoredFile, liveBytes?: number): FileDto {
  return {
    id: file.id,
    name: file.name,
    size: file.size,
    mime: file.mime,
    ...(file.preview === null ? {} : { preview: file.preview }),
    state: file.state,
    bytes: liveBytes ?? file.bytes,
    ...(file.error === null ? {} : { error: file.error }),
    ...(file.problem === null ? {} : { problem: file.problem }),
    ...(file.savedTo === null ? {} : { savedTo: file.savedTo }),
  };
}
