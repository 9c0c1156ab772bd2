import heicConvert from 'heic-convert';
import { ascii } from './bytes';
import { DECODER_MAJOR_BRANDS } from './heif';

/**
 * HEIC/HEIF → JPEG with heic-convert (libheif compiled to WASM, so no native build and no patent-encumbered
 * system codec). Decodes the first top-level image, which is the primary one in camera files (see heif.ts notes).
 * `quality` is 1–100.
 */
export async function convertHeifToJpeg(bytes: Uint8Array, quality: number): Promise<Buffer> {
	if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new RangeError(`JPEG quality must be 1–100, got ${quality}`);
	let input: Uint8Array = bytes;
	// heic-decode only lets a few major brands through; libheif itself decides from the compatible brands, so a
	// 'heim'/'heis'/'miaf' file is given the generic 'mif1' major brand in a copy.
	if (!DECODER_MAJOR_BRANDS.has(ascii(bytes, 8, 12))) {
		input = Uint8Array.from(bytes);
		input.set([0x6d, 0x69, 0x66, 0x31], 8);
	}
	const jpeg = await heicConvert({ buffer: input, format: 'JPEG', quality: quality / 100 });
	return Buffer.isBuffer(jpeg) ? jpeg : Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}
