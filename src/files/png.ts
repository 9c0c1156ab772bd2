import { crc32 } from 'node:zlib';
import { ascii, type ImageInfo, type Problem, problem, u32 } from './bytes';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** Bit 5 of a chunk type's first letter: lower case (tEXt, gAMA, acTL) means ancillary, upper case (IHDR, IDAT) critical. */
function isAncillary(bytes: Uint8Array, typeAt: number): boolean {
	return (bytes[typeAt] & 0x20) !== 0;
}

/**
 * Reads IHDR for the size and walks the chunks to IEND: a PNG without IEND was cut off. Every chunk's CRC is checked:
 * a wrong one in a critical chunk (IHDR, PLTE, IDAT, IEND) means damaged pixels or header, so the file is corrupt.
 * An ancillary chunk with a wrong CRC only costs metadata: decoders (libpng, browsers) drop it and show the image, so
 * the file is accepted with a note. The image ends with IEND; bytes after it are reported through `end`.
 */
export function inspectPng(bytes: Uint8Array): ImageInfo | Problem {
	const n = bytes.length;
	if (n < 33) return problem('truncated', 'PNG: shorter than signature and header chunk');
	if (u32(bytes, 8) !== 13 || ascii(bytes, 12, 16) !== 'IHDR') return problem('corrupt', 'PNG: first chunk is not IHDR');
	const width = u32(bytes, 16);
	const height = u32(bytes, 20);
	if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
		return problem('corrupt', `PNG: size ${width}×${height}`);
	}
	let pos = 8;
	let sawData = false;
	const notes: string[] = [];
	const damagedAncillary = new Set<string>();
	while (pos + 12 <= n) {
		const length = u32(bytes, pos);
		const type = ascii(bytes, pos + 4, pos + 8);
		const end = pos + 12 + length;
		if (end > n) break;
		// The CRC covers the type and the data.
		if (crc32(bytes.subarray(pos + 4, end - 4)) !== u32(bytes, end - 4)) {
			if (!isAncillary(bytes, pos + 4)) return problem('corrupt', `PNG: wrong CRC in the ${type} chunk at byte ${pos}`);
			damagedAncillary.add(type);
		}
		if (type === 'IDAT') sawData = true;
		if (type === 'acTL') notes.push('animated PNG: Qonto shows the first frame');
		if (type === 'IEND') {
			if (!sawData) return problem('corrupt', 'PNG: no image data (IDAT)');
			if (damagedAncillary.size > 0) notes.push(`wrong CRC in ancillary chunk(s) ${[...damagedAncillary].join(', ')}: decoders skip them`);
			return { ok: true, width, height, end, notes };
		}
		pos = end;
	}
	return problem('truncated', 'PNG: the data ends before the IEND chunk');
}
