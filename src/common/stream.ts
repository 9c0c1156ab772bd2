import type { Readable } from 'node:stream';

import { ReasonedError } from './failure';

/** Reads a stream into memory, aborting as soon as it grows past `maxBytes` (a download must never exceed the limit). */
export async function readStreamWithLimit(stream: Readable, maxBytes: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of stream) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
		total += buffer.length;
		if (total > maxBytes) {
			stream.destroy();
			throw new ReasonedError('file_too_large', `The file is larger than the limit of ${formatBytes(maxBytes)}`, { limitBytes: maxBytes, receivedBytes: total });
		}
		chunks.push(buffer);
	}
	return Buffer.concat(chunks, total);
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
	if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
	return `${bytes} bytes`;
}
