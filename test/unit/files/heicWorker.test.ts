import heicConvert from 'heic-convert';
import { checkInvoiceFile, convertHeifToJpeg, processInvoiceFile } from '../../../src/files';
import { HeicWorkerPool, heicWorkers } from '../../../src/files/heicWorker';
import { corpusFile } from './helpers';

const RECEIPT = corpusFile('receipt.heic');

/** What heic-convert gives on this thread: the reference the worker must match byte for byte. */
async function inThread(heic: Uint8Array, quality: number): Promise<Buffer> {
	return Buffer.from(await heicConvert({ buffer: heic, format: 'JPEG', quality: quality / 100 }));
}

/** The pool moves its input to the worker, so each call gets its own copy. */
const copy = (bytes: Uint8Array) => new Uint8Array(bytes);

describe('HEIC conversion in worker threads', () => {
	let pool: HeicWorkerPool;
	let reference: Buffer;

	beforeAll(async () => {
		reference = await inThread(RECEIPT, 90);
	}, 30_000);
	beforeEach(() => {
		pool = new HeicWorkerPool({ maxWorkers: 2 });
	});
	afterEach(() => pool.close());

	it('gives the same bytes as heic-convert on the calling thread', async () => {
		expect((await convertHeifToJpeg(RECEIPT, 90)).equals(reference)).toBe(true);
		expect((await convertHeifToJpeg(RECEIPT, 60)).equals(await inThread(RECEIPT, 60))).toBe(true);
		// The caller's bytes are copied, not moved (a moved buffer would be empty here).
		expect(RECEIPT.byteLength).toBe(69480);
	}, 30_000);

	it("gives a 'heim' file the 'mif1' major brand heic-convert needs, on a copy", async () => {
		const heim = corpusFile('receipt-heim.heic');
		const jpeg = await convertHeifToJpeg(heim, 90);
		expect(heim.toString('latin1', 8, 12)).toBe('heim');
		expect(jpeg.equals(reference)).toBe(true); // the same picture as receipt.heic
	}, 30_000);

	it('refuses a bad quality before any work', async () => {
		const convert = jest.spyOn(heicWorkers, 'convert');
		try {
			await expect(convertHeifToJpeg(RECEIPT, 0)).rejects.toThrow(RangeError);
			await expect(convertHeifToJpeg(RECEIPT, 90.5)).rejects.toThrow(RangeError);
			expect(convert).not.toHaveBeenCalled();
		} finally {
			convert.mockRestore();
		}
	});

	it('stops a conversion over its time limit, and the pool goes on with a new worker', async () => {
		await expect(pool.convert(copy(RECEIPT), 90, 1)).rejects.toThrow('HEIC conversion took longer than 1 ms');
		expect((await pool.convert(copy(RECEIPT), 90)).equals(reference)).toBe(true);
		// The same through convertHeifToJpeg and the shared pool.
		await expect(convertHeifToJpeg(RECEIPT, 90, { timeoutMs: 1 })).rejects.toThrow(/longer than 1 ms/);
		expect((await convertHeifToJpeg(RECEIPT, 90)).equals(reference)).toBe(true);
	}, 30_000);

	it('rejects damaged or foreign files with a clear error, and the same worker goes on', async () => {
		const withHeicHeader = Buffer.concat([RECEIPT.subarray(0, 24), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251))]);
		await expect(pool.convert(copy(corpusFile('truncated-receipt.heic')), 90)).rejects.toThrow(/^HEIF processing error \(.*Decoder plugin generated an error/);
		await expect(pool.convert(copy(corpusFile('pdf-renamed.heic')), 90)).rejects.toThrow('input buffer is not a HEIC image');
		await expect(pool.convert(copy(withHeicHeader), 90)).rejects.toThrow(/HEIF/);
		expect(pool.workerCount).toBe(1);
		expect((await pool.convert(copy(RECEIPT), 90)).equals(reference)).toBe(true);
		expect(pool.workerCount).toBe(1);
	}, 30_000);

	it('says so when a worker runs out of memory, and does not keep the dead worker', async () => {
		const starved = new HeicWorkerPool({ maxWorkers: 1, maxMemoryMb: 2 });
		try {
			await expect(starved.convert(copy(RECEIPT), 90)).rejects.toThrow(/^the HEIC conversion worker failed: .*out of memory/);
			expect(starved.workerCount).toBe(0);
		} finally {
			await starved.close();
		}
	}, 30_000);

	it('runs concurrent conversions on at most maxWorkers workers, all correct', async () => {
		const started = Array.from({ length: 4 }, () => pool.convert(copy(RECEIPT), 90));
		expect(pool.workerCount).toBe(2);
		const results = await Promise.all(started);
		for (const jpeg of results) expect(jpeg.equals(reference)).toBe(true);
	}, 60_000);

	it('keeps the event loop turning while a photo is converted', async () => {
		// Not a speed target (see npm run bench:heic): on this thread no timer could fire until the conversion ends.
		let ticks = 0;
		const ticker = setInterval(() => ticks++, 1);
		try {
			await pool.convert(copy(RECEIPT), 90);
		} finally {
			clearInterval(ticker);
		}
		expect(ticks).toBeGreaterThan(5);
	}, 30_000);

	it('refuses the 1200-megapixel bomb from its header, before any conversion', async () => {
		const bomb = corpusFile('bomb-1200mp.heic');
		const convert = jest.spyOn(heicWorkers, 'convert');
		try {
			expect(checkInvoiceFile(bomb)).toMatchObject({ accepted: false, reason: 'image_too_large' });
			const processed = await processInvoiceFile(bomb, { fileName: 'IMG_0001.HEIC' });
			expect(processed.result).toMatchObject({ accepted: false, reason: 'image_too_large' });
			expect(convert).not.toHaveBeenCalled();
			// The spy does see a conversion when there is one.
			await processInvoiceFile(RECEIPT);
			expect(convert).toHaveBeenCalledTimes(1);
		} finally {
			convert.mockRestore();
		}
	}, 30_000);
});
