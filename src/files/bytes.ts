/** Small byte helpers shared by the format parsers. All reads are bounds-checked by the callers. */

export interface Problem {
	ok: false;
	reason: 'truncated' | 'corrupt' | 'encrypted_pdf' | 'unsupported_type';
	detail: string;
	/** For unsupported_type found while parsing a container (e.g. an AVIF inside a HEIF box structure). */
	detectedType?: string;
	detectedMimeType?: string;
}

export interface ImageInfo {
	ok: true;
	width: number;
	height: number;
	/**
	 * Index just after the image's end marker (JPEG EOI, PNG IEND chunk): bytes after it were appended to the file
	 * (a ZIP behind a JPEG, say) and are not forwarded. Absent when the whole file is kept (HEIF).
	 */
	end?: number;
	notes: string[];
}

export function problem(reason: Problem['reason'], detail: string): Problem {
	return { ok: false, reason, detail };
}

export function ascii(bytes: Uint8Array, start: number, end: number): string {
	let text = '';
	for (let i = start; i < end && i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
	return text;
}

export function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
	if (bytes.length < offset + signature.length) return false;
	return signature.every((value, i) => bytes[offset + i] === value);
}

export function u16(bytes: Uint8Array, at: number): number {
	return (bytes[at] << 8) | bytes[at + 1];
}

export function u32(bytes: Uint8Array, at: number): number {
	return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}

/** Big-endian unsigned integer of 0, 4 or 8 bytes; 8-byte values beyond 2^53 lose precision, which only makes them "too big". */
export function uint(bytes: Uint8Array, at: number, size: number): number {
	let value = 0;
	for (let i = 0; i < size; i++) value = value * 256 + bytes[at + i];
	return value;
}
