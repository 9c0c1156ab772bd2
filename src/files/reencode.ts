import { Worker } from 'node:worker_threads';
import { awaitWorkerReply } from './workerJob';

/**
 * Re-encoding a photo that is too large for a Qonto upload: decoded and written again as a JPEG at lower and lower
 * quality until it fits. Decoding a 15 MB photo in JavaScript takes seconds, so it runs in a worker thread with a
 * time limit and a memory cap, never on n8n's event loop. The codecs are jpeg-js (already what heic-convert writes
 * its JPEGs with) and pngjs; the worker loads them from the paths this module resolves, so it works wherever the
 * package is installed.
 */
export interface Reencoded {
	bytes: Buffer;
	quality: number;
	width: number;
	height: number;
}

export interface ReencodeOptions {
	/** JPEG qualities to try, highest first. */
	qualities?: number[];
	timeoutMs?: number;
	/** Heap limit of the worker, in MB. */
	maxMemoryMb?: number;
}

export const REENCODE_QUALITIES = [85, 75, 65, 55];

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { bytes, type, maxBytes, qualities, codecs, maxMemoryMb } = workerData;
const jpeg = require(codecs.jpeg);
const image = type === 'png'
	? require(codecs.png).PNG.sync.read(Buffer.from(bytes))
	: jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: maxMemoryMb });
if (type === 'png') {
	// A JPEG has no transparency: transparent pixels become white, as on paper.
	const data = image.data;
	for (let i = 0; i < data.length; i += 4) {
		const alpha = data[i + 3] / 255;
		for (let c = 0; c < 3; c++) data[i + c] = Math.round(data[i + c] * alpha + 255 * (1 - alpha));
		data[i + 3] = 255;
	}
}
let result = null;
for (const quality of qualities) {
	const encoded = jpeg.encode({ data: image.data, width: image.width, height: image.height }, quality).data;
	result = { bytes: encoded, quality, width: image.width, height: image.height };
	if (encoded.length <= maxBytes) break;
}
parentPort.postMessage(result);
`;

/** The photo as a JPEG of at most `maxBytes`, or null when even the lowest quality does not fit. Throws when it cannot be decoded. */
export async function reencodeAsJpeg(bytes: Uint8Array, type: 'jpeg' | 'png', maxBytes: number, options: ReencodeOptions = {}): Promise<Reencoded | null> {
	const qualities = options.qualities ?? REENCODE_QUALITIES;
	const timeoutMs = options.timeoutMs ?? 120_000;
	const maxMemoryMb = options.maxMemoryMb ?? 1024;
	const codecs = { jpeg: require.resolve('jpeg-js'), png: require.resolve('pngjs') };
	const worker = new Worker(WORKER_SOURCE, {
		eval: true,
		workerData: { bytes, type, maxBytes, qualities, codecs, maxMemoryMb },
		resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb },
	});
	const result = await awaitWorkerReply<(Omit<Reencoded, 'bytes'> & { bytes: Uint8Array }) | null>(worker, 're-encoding', timeoutMs).finally(
		() => void worker.terminate(),
	);
	if (!result || result.bytes.length > maxBytes) return null;
	return { ...result, bytes: Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength) };
}
