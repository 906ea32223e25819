// Moves backup files between the user's disk and the API's base64 strings, inside the sandboxed page.

/** Reads a picked file as base64 (what profiles.importBackup takes). */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // Chunked: String.fromCharCode with one argument per byte overflows the stack on large files.
  const CHUNK = 0x8000;
  for (let start = 0; start < bytes.length; start += CHUNK) binary += String.fromCharCode(...bytes.subarray(start, start + CHUNK));
  return btoa(binary);
}

/** Offers base64 data (what profiles.exportBackup returns) as a file download. */
export function downloadBase64(fileName: string, base64: string): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has started from the URL; releasing it later keeps slow browsers from losing it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
