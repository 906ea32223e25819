// Moves files (backups, sent and received files) between the user's disk and the API's base64 strings, inside the sandboxed page.
import { base64ToBytes, bytesToBase64 } from './base64.js';

/** Reads a picked file as base64 (what profiles.importBackup and files.upload take). */
export async function fileToBase64(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}

/** Offers base64 data (what profiles.exportBackup returns) as a file download. */
export function downloadBase64(fileName: string, base64: string): void {
  downloadBlob(fileName, new Blob([base64ToBytes(base64)]));
}

/** Offers bytes as a download under `fileName`; always as octet-stream, so the browser saves them and never renders them. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(new Blob([blob], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has started from the URL; releasing it later keeps slow browsers from losing it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
