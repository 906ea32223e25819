// The bytes of a blob being uploaded, from any offset, cut into the chunks one upload request carries.

/** The whole blob in memory, or a function that reads it from a byte offset (a file: `(from) => createReadStream(path, { start: from })`). */
export type BlobSource = Uint8Array | ((from: number) => AsyncIterable<Uint8Array> | Iterable<Uint8Array>);

/** The source's bytes from `from`, in chunks of exactly `chunkBytes` but the last. */
export async function* blobChunks(source: BlobSource, from: number, chunkBytes: number): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let start = from; start < source.length; start += chunkBytes) yield source.subarray(start, Math.min(source.length, start + chunkBytes));
    return;
  }
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for await (const piece of source(from)) {
    pending.push(piece);
    pendingBytes += piece.length;
    while (pendingBytes >= chunkBytes) {
      const joined = Buffer.concat(pending, pendingBytes);
      yield joined.subarray(0, chunkBytes);
      pending = [joined.subarray(chunkBytes)];
      pendingBytes -= chunkBytes;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}
