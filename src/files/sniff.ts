import { ascii, startsWith } from './bytes';
import { hasHeifBrand, nameIsoMedia, readBrands } from './heif';
import { JPEG_SIGNATURE } from './jpeg';
import { PNG_SIGNATURE } from './png';

/**
 * First look at the bytes: which parser to run, or a name for a format that is refused anyway.
 * The declared mime type and the file name are never consulted.
 */
export type Sniffed =
	| { kind: 'jpeg' | 'png' | 'pdf' | 'heif' }
	| { kind: 'other'; type?: string; mimeType?: string };

/** Signatures of formats that are refused, to say what was received (file-type refines this, e.g. ZIP → DOCX). */
const OTHER_SIGNATURES: { type: string; mimeType: string; test: (bytes: Uint8Array) => boolean }[] = [
	{ type: 'gif', mimeType: 'image/gif', test: (b) => ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a' },
	{ type: 'webp', mimeType: 'image/webp', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP' },
	{ type: 'wav', mimeType: 'audio/wav', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE' },
	{ type: 'avi', mimeType: 'video/x-msvideo', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'AVI ' },
	{ type: 'zip', mimeType: 'application/zip', test: (b) => ascii(b, 0, 2) === 'PK' && [3, 5, 7].includes(b[2]) && b[3] === b[2] + 1 },
	{ type: 'ogg', mimeType: 'audio/ogg', test: (b) => ascii(b, 0, 4) === 'OggS' },
	{ type: 'mp3', mimeType: 'audio/mpeg', test: (b) => ascii(b, 0, 3) === 'ID3' || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && b.length > 2 && (b[1] & 0x06) !== 0) },
	{ type: 'flac', mimeType: 'audio/flac', test: (b) => ascii(b, 0, 4) === 'fLaC' },
	{ type: 'amr', mimeType: 'audio/amr', test: (b) => ascii(b, 0, 5) === '#!AMR' },
	{ type: 'webm', mimeType: 'video/webm', test: (b) => startsWith(b, [0x1a, 0x45, 0xdf, 0xa3]) },
	{ type: 'bmp', mimeType: 'image/bmp', test: (b) => ascii(b, 0, 2) === 'BM' && b.length > 14 },
	{ type: 'tiff', mimeType: 'image/tiff', test: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]) },
	{ type: 'ole', mimeType: 'application/x-ole-storage', test: (b) => startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) },
	{ type: 'rar', mimeType: 'application/vnd.rar', test: (b) => ascii(b, 0, 4) === 'Rar!' },
	{ type: '7z', mimeType: 'application/x-7z-compressed', test: (b) => startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) },
	{ type: 'gz', mimeType: 'application/gzip', test: (b) => startsWith(b, [0x1f, 0x8b]) },
	{ type: 'rtf', mimeType: 'application/rtf', test: (b) => ascii(b, 0, 5) === '{\\rtf' },
];

/** Text if the first 4 KiB decode as UTF-8 without control characters other than tab, CR, LF, FF. */
function looksLikeText(bytes: Uint8Array): boolean {
	const sample = bytes.subarray(0, 4096);
	for (const byte of sample) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) return false;
	try {
		// A sample cut inside a multi-byte character is still text: drop up to 3 trailing bytes before decoding strictly.
		new TextDecoder('utf-8', { fatal: true }).decode(sample.length === 4096 ? sample.subarray(0, trimUtf8Tail(sample)) : sample);
		return true;
	} catch {
		return false;
	}
}

function trimUtf8Tail(sample: Uint8Array): number {
	let end = sample.length;
	for (let i = 0; i < 3 && end > 0 && (sample[end - 1] & 0xc0) === 0x80; i++) end--;
	if (end > 0 && sample[end - 1] >= 0xc0) end--;
	return end;
}

function markupType(head: string): { type: string; mimeType: string } | undefined {
	if (!/^\s*</.test(head)) return undefined;
	if (/<svg[\s>]/i.test(head)) return { type: 'svg', mimeType: 'image/svg+xml' };
	if (/<(!doctype html|html)[\s>]/i.test(head)) return { type: 'html', mimeType: 'text/html' };
	if (/^\s*<\?xml/i.test(head)) return { type: 'xml', mimeType: 'application/xml' };
	return undefined;
}

export function sniff(bytes: Uint8Array): Sniffed {
	if (startsWith(bytes, JPEG_SIGNATURE)) return { kind: 'jpeg' };
	if (startsWith(bytes, PNG_SIGNATURE)) return { kind: 'png' };
	// A header a little way in is still a PDF (to be reported as damaged rather than as an unknown type).
	const head = ascii(bytes, 0, 1024);
	if (head.startsWith('%PDF-') || head.includes('%PDF-')) return { kind: 'pdf' };
	const brands = readBrands(bytes);
	if (brands) {
		if (hasHeifBrand(brands)) return { kind: 'heif' };
		const media = nameIsoMedia(brands);
		return { kind: 'other', type: media.type, mimeType: media.mime };
	}
	const other = OTHER_SIGNATURES.find((signature) => signature.test(bytes));
	if (other) return { kind: 'other', type: other.type, mimeType: other.mimeType };
	const markup = markupType(head);
	if (markup) return { kind: 'other', ...markup };
	if (looksLikeText(bytes)) return { kind: 'other', type: 'text', mimeType: 'text/plain' };
	return { kind: 'other' };
}
