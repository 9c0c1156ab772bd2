import { createHash } from 'node:crypto';

/** The SHA-256 of some bytes (a Buffer is a Uint8Array), as 64 lowercase hex digits. */
export function sha256Hex(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}
