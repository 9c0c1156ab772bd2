import { type ImageInfo, type Problem, problem, u16 } from './bytes';

export const JPEG_SIGNATURE = [0xff, 0xd8, 0xff] as const;

/** Start-of-frame markers carry the image size: C0–CF except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
	return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * Walks the JPEG marker segments up to the first EOI: size from the SOF segment, and a file that ends before
 * EOI is truncated (a photo cut off during download). The image ends at that EOI, the one that closes the scan:
 * segment lengths step over an EXIF thumbnail's own FFD8…FFD9, and a ZIP appended after the image may hold FFD9
 * bytes of its own, so neither the first nor the last FFD9 in the file is the end. Data after EOI (an appended file,
 * or MPF second images such as gain maps) is reported through `end` and not forwarded.
 */
export function inspectJpeg(bytes: Uint8Array): ImageInfo | Problem {
	const n = bytes.length;
	let pos = 2;
	let width = 0;
	let height = 0;
	let frames = 0;
	while (pos < n) {
		if (bytes[pos] !== 0xff) return problem('corrupt', `JPEG: expected a marker at byte ${pos}`);
		while (pos < n && bytes[pos] === 0xff) pos++; // fill bytes
		if (pos >= n) break;
		const marker = bytes[pos++];
		if (marker === 0xd9) {
			if (frames === 0) return problem('corrupt', 'JPEG: end of image before any frame');
			return { ok: true, width, height, end: pos, notes: [] };
		}
		if (marker === 0xd8) return problem('corrupt', 'JPEG: second start-of-image marker inside the image');
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // standalone markers
		if (pos + 2 > n) break;
		const length = u16(bytes, pos);
		if (length < 2) return problem('corrupt', `JPEG: segment length ${length} at byte ${pos}`);
		if (pos + length > n) break;
		if (isStartOfFrame(marker)) {
			if (length < 8) return problem('corrupt', 'JPEG: short frame header');
			height = u16(bytes, pos + 3);
			width = u16(bytes, pos + 5);
			frames++;
			// Height 0 (size given later by a DNL marker) is legal but unseen in practice and cannot be checked up front.
			if (width === 0 || height === 0) return problem('corrupt', `JPEG: frame size ${width}×${height}`);
		}
		pos += length;
		if (marker === 0xda) {
			if (frames === 0) return problem('corrupt', 'JPEG: scan data before the frame header');
			// Entropy-coded data: skip to the next marker that is neither a stuffed 0xFF00 nor a restart marker.
			for (;;) {
				const next = bytes.indexOf(0xff, pos);
				if (next < 0 || next + 1 >= n) {
					pos = n;
					break;
				}
				const following = bytes[next + 1];
				if (following === 0x00 || following === 0xff || (following >= 0xd0 && following <= 0xd7)) {
					pos = following === 0xff ? next + 1 : next + 2;
					continue;
				}
				pos = next;
				break;
			}
		}
	}
	return problem('truncated', 'JPEG: the data ends before the end-of-image marker (FFD9)');
}
