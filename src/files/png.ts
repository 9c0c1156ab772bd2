import { ascii, type ImageInfo, type Problem, problem, u32 } from './bytes';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** Reads IHDR for the size and walks the chunks to IEND: a PNG without IEND was cut off. CRCs are not checked. */
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
	while (pos + 12 <= n) {
		const length = u32(bytes, pos);
		const type = ascii(bytes, pos + 4, pos + 8);
		const end = pos + 12 + length;
		if (end > n) break;
		if (type === 'IDAT') sawData = true;
		if (type === 'acTL') notes.push('animated PNG: Qonto shows the first frame');
		if (type === 'IEND') {
			if (!sawData) return problem('corrupt', 'PNG: no image data (IDAT)');
			return { ok: true, width, height, notes };
		}
		pos = end;
	}
	return problem('truncated', 'PNG: the data ends before the IEND chunk');
}
