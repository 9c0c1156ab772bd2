import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { ascii, u16, u32 } from './bytes';

/**
 * Making an accepted photo fit a Qonto upload without decoding it. The package has no JPEG or PNG decoder among its
 * runtime dependencies (jpeg-js and pngjs are test tools only; heic-convert decodes HEIC alone), so a JPEG or PNG
 * cannot be re-encoded at a lower quality here. What can be done losslessly is done, in this order, until the file
 * fits: drop metadata that does not change the pixels, then (PNG) compress the image data again at zlib's best level.
 * The room left by Qonto's envelope is a few hundred bytes below 15 MB, which camera metadata (XMP, MPF, vendor
 * segments) usually exceeds; a file that still does not fit is refused with the real limit.
 */
export interface Shrunk {
	bytes: Uint8Array;
	/** What was removed or redone, for the notes. */
	steps: string[];
}

interface Segment {
	marker: number;
	start: number;
	end: number;
}

const XMP_PREFIXES = ['http://ns.adobe.com/xap/1.0/\0', 'http://ns.adobe.com/xmp/extension/\0'];

/** Metadata segments a JPEG decoder does not need, in the order they are given up: first what never shows, then the colour profile. */
function jpegTier(bytes: Uint8Array, segment: Segment): number {
	const { marker, start } = segment;
	const payload = (length: number) => ascii(bytes, start + 4, Math.min(segment.end, start + 4 + length));
	if (marker === 0xfe) return 1; // COM
	if (marker === 0xe1) return XMP_PREFIXES.some((prefix) => payload(prefix.length) === prefix) ? 1 : 0; // Exif (orientation) stays
	if (marker === 0xe2) return payload(4) === 'MPF\0' ? 1 : payload(12) === 'ICC_PROFILE\0' ? 2 : 1;
	if (marker === 0xe0 || marker === 0xee) return 0; // JFIF, Adobe (colour transform): needed to decode right
	if (marker >= 0xe3 && marker <= 0xef) return 1; // APP3–APP15: vendor data, Photoshop IRB (APP13), JUMBF (APP11)
	return 0;
}

/** The marker segments between SOI and the first SOS; null when the layout is not the plain one inspectJpeg accepted. */
function headerSegments(bytes: Uint8Array): Segment[] | null {
	const segments: Segment[] = [];
	let pos = 2;
	while (pos + 4 <= bytes.length) {
		if (bytes[pos] !== 0xff) return null;
		const marker = bytes[pos + 1];
		if (marker === 0xff) {
			pos++;
			continue;
		}
		if (marker === 0xda) return segments;
		const end = pos + 2 + u16(bytes, pos + 2);
		if (end > bytes.length) return null;
		segments.push({ marker, start: pos, end });
		pos = end;
	}
	return null;
}

/**
 * `jpeg` with the Exif segment of `original` put back after its JFIF header: a re-encoded photo keeps its orientation
 * (and date), which the decoder does not apply to the pixels.
 */
export function withExifOf(original: Uint8Array, jpeg: Uint8Array): Uint8Array {
	const exif = headerSegments(original)?.find((segment) => segment.marker === 0xe1 && ascii(original, segment.start + 4, segment.start + 10) === 'Exif\0\0');
	const target = headerSegments(jpeg);
	if (!exif || !target) return jpeg;
	const at = target[0]?.marker === 0xe0 ? target[0].end : 2;
	return Buffer.concat([jpeg.subarray(0, at), original.subarray(exif.start, exif.end), jpeg.subarray(at)]);
}

/** The JPEG without metadata segments, tier after tier, until it is at most maxBytes; null when it cannot get there. */
export function shrinkJpeg(bytes: Uint8Array, maxBytes: number): Shrunk | null {
	const segments = headerSegments(bytes);
	if (!segments) return null;
	for (const tier of [1, 2]) {
		const dropped = segments.filter((segment) => {
			const level = jpegTier(bytes, segment);
			return level > 0 && level <= tier;
		});
		const removed = dropped.reduce((sum, segment) => sum + segment.end - segment.start, 0);
		if (dropped.length === 0 || bytes.length - removed > maxBytes) continue;
		const kept: Uint8Array[] = [];
		let from = 0;
		for (const segment of dropped) {
			kept.push(bytes.subarray(from, segment.start));
			from = segment.end;
		}
		kept.push(bytes.subarray(from));
		const names = [...new Set(dropped.map((segment) => (segment.marker === 0xfe ? 'COM' : `APP${segment.marker - 0xe0}`)))];
		return { bytes: Buffer.concat(kept), steps: [`removed ${removed} bytes of metadata (${names.join(', ')}); the pixels are untouched`] };
	}
	return null;
}

/** Ancillary PNG chunks without effect on the pixels: text and the modification time. */
const PNG_TEXT_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt', 'tIME']);
/** Raw image data above this is not inflated for recompression (memory guard; such a PNG is refused instead). */
const MAX_INFLATED_BYTES = 128 * 1024 * 1024;

function chunk(type: string, data: Uint8Array): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
	return Buffer.concat([head, data, crc]);
}

/** Bytes of the unfiltered rows plus filter bytes, from IHDR (an upper bound for interlaced images is not needed: the guard only has to be close). */
function rawImageBytes(bytes: Uint8Array): number {
	const width = u32(bytes, 16);
	const height = u32(bytes, 20);
	const bitDepth = bytes[24];
	const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[bytes[25]] ?? 4;
	return height * (1 + Math.ceil((width * channels * bitDepth) / 8));
}

/** The PNG without text chunks, then with its image data compressed again at the best zlib level; null when it still does not fit. */
export function shrinkPng(bytes: Uint8Array, maxBytes: number): Shrunk | null {
	const chunks: { type: string; start: number; end: number }[] = [];
	for (let pos = 8; pos + 12 <= bytes.length; ) {
		const end = pos + 12 + u32(bytes, pos);
		if (end > bytes.length) return null;
		chunks.push({ type: ascii(bytes, pos + 4, pos + 8), start: pos, end });
		pos = end;
	}
	const steps: string[] = [];
	const withoutText = chunks.filter((entry) => !PNG_TEXT_CHUNKS.has(entry.type));
	const removed = bytes.length - 8 - withoutText.reduce((sum, entry) => sum + entry.end - entry.start, 0);
	if (removed > 0) steps.push(`removed ${removed} bytes of text chunks; the pixels are untouched`);
	const assemble = (parts: Uint8Array[]) => Buffer.concat([bytes.subarray(0, 8), ...parts]);
	const plain = assemble(withoutText.map((entry) => bytes.subarray(entry.start, entry.end)));
	if (plain.length <= maxBytes) return { bytes: plain, steps };
	if (rawImageBytes(bytes) > MAX_INFLATED_BYTES) return null;
	const data = Buffer.concat(withoutText.filter((entry) => entry.type === 'IDAT').map((entry) => bytes.subarray(entry.start + 8, entry.end - 4)));
	let recompressed: Buffer;
	try {
		recompressed = deflateSync(inflateSync(data, { maxOutputLength: MAX_INFLATED_BYTES }), { level: 9, memLevel: 9 });
	} catch {
		return null;
	}
	const parts: Uint8Array[] = [];
	let wroteData = false;
	for (const entry of withoutText) {
		if (entry.type !== 'IDAT') parts.push(bytes.subarray(entry.start, entry.end));
		else if (!wroteData) {
			parts.push(chunk('IDAT', recompressed));
			wroteData = true;
		}
	}
	const rebuilt = assemble(parts);
	if (rebuilt.length > maxBytes) return null;
	steps.push(`compressed the image data again (${data.length} → ${recompressed.length} bytes); the pixels are untouched`);
	return { bytes: rebuilt, steps };
}
