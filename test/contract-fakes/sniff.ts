import { createHash, randomUUID } from 'node:crypto';

/** File kinds the fakes must tell apart from the bytes, never from the declared type or name (as the services do). */
export type SniffedKind = 'jpeg' | 'png' | 'pdf' | 'gif' | 'webp' | 'tiff' | 'heic' | 'zip' | 'unknown';

export const MIME_BY_KIND: Record<SniffedKind, string> = {
	jpeg: 'image/jpeg',
	png: 'image/png',
	pdf: 'application/pdf',
	gif: 'image/gif',
	webp: 'image/webp',
	tiff: 'image/tiff',
	heic: 'image/heic',
	zip: 'application/zip',
	unknown: 'application/octet-stream',
};

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif']);

export function sniffKind(bytes: Buffer): SniffedKind {
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
	// PDF readers accept the header anywhere in the first KiB.
	if (bytes.subarray(0, 1024).includes('%PDF-')) return 'pdf';
	if (bytes.subarray(0, 6).toString('latin1').match(/^GIF8[79]a$/)) return 'gif';
	if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
	if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
	if (bytes.subarray(4, 8).toString('latin1') === 'ftyp' && HEIF_BRANDS.has(bytes.subarray(8, 12).toString('latin1'))) return 'heic';
	if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
	return 'unknown';
}

function startsWith(bytes: Buffer, signature: number[]): boolean {
	return bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);
}

export function sha256Hex(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}

export function newUuid(): string {
	return randomUUID();
}
