import { ascii } from './bytes';
import { DECODER_MAJOR_BRANDS } from './heif';
import { DEFAULT_HEIC_TIMEOUT_MS, heicWorkers } from './heicWorker';

export interface HeifConversionOptions {
	/** Time limit of the conversion once a worker takes it, in ms (default 60 s). */
	timeoutMs?: number;
}

/**
 * HEIC/HEIF → JPEG with heic-convert (libheif compiled to WASM, so no native build and no patent-encumbered
 * system codec), in a worker thread (see heicWorker.ts). Decodes the first top-level image, which is the primary one
 * in camera files (see heif.ts notes). `quality` is 1–100.
 */
export async function convertHeifToJpeg(bytes: Uint8Array, quality: number, options: HeifConversionOptions = {}): Promise<Buffer> {
	if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new RangeError(`JPEG quality must be 1–100, got ${quality}`);
	// The worker gets its own copy (moved, not copied again), which also leaves the caller's bytes untouched below.
	const input = new Uint8Array(bytes);
	// heic-decode only lets a few major brands through; libheif itself decides from the compatible brands, so a
	// 'heim'/'heis'/'miaf' file is given the generic 'mif1' major brand.
	if (!DECODER_MAJOR_BRANDS.has(ascii(input, 8, 12))) input.set([0x6d, 0x69, 0x66, 0x31], 8);
	return heicWorkers.convert(input, quality, options.timeoutMs ?? DEFAULT_HEIC_TIMEOUT_MS);
}
