import { decode } from 'jpeg-js';
import { checkInvoiceFile, convertHeifToJpeg, processInvoiceFile } from '../../../src/files';
import { corpusFile } from './helpers';

function decodeJpeg(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
	return decode(bytes, { useTArray: true, formatAsRGBA: true });
}

/** Standard deviation of the red channel: a real photo of a receipt is not a flat colour. */
function spread(data: Uint8Array): number {
	let sum = 0;
	let squares = 0;
	const n = data.length / 4;
	for (let i = 0; i < data.length; i += 4) {
		sum += data[i];
		squares += data[i] * data[i];
	}
	return Math.sqrt(squares / n - (sum / n) ** 2);
}

describe('HEIC/HEIF → JPEG', () => {
	it.each(['receipt.heic', 'receipt-mif1.heif', 'receipt-10bit-heix.heif', 'receipt-heim.heic'])(
		'%s becomes a valid JPEG with the announced dimensions',
		async (file) => {
			const heic = corpusFile(file);
			const processed = await processInvoiceFile(heic, { fileName: file });
			if (!('output' in processed)) throw new Error(`rejected: ${processed.result.reason}`);
			const { result, output, original } = processed;
			expect(output.mimeType).toBe('image/jpeg');
			expect(output.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
			const image = decodeJpeg(output.bytes);
			expect([image.width, image.height]).toEqual([result.width, result.height]);
			expect([image.width, image.height]).toEqual([640, 1437]);
			expect(spread(image.data)).toBeGreaterThan(20);
			expect(result.conversion).toEqual({ quality: 90, width: 640, height: 1437 });
			expect(result.outputSize).toBe(output.bytes.length);
			// The original stays available, byte for byte, under a name Mindee accepts (.heic, never .heif).
			expect(original?.bytes).toBe(heic);
			expect(original?.fileName).toBe(file.replace(/\.heif$/, '.heic'));
		},
		30_000,
	);

	it('uses the quality parameter', async () => {
		const heic = corpusFile('receipt.heic');
		const low = await convertHeifToJpeg(heic, 20);
		const high = await convertHeifToJpeg(heic, 95);
		expect(low.length).toBeLessThan(high.length);
		await expect(convertHeifToJpeg(heic, 0)).rejects.toThrow(RangeError);
	}, 30_000);

	it('keeps HEIC as it is when conversion is off', async () => {
		const heic = corpusFile('receipt.heic');
		const processed = await processInvoiceFile(heic, { fileName: 'IMG_0001.HEIC', convertHeif: false });
		if (!('output' in processed)) throw new Error('rejected');
		expect(processed.result).toMatchObject({ converted: false, type: 'heic', fileName: 'IMG_0001.HEIC', outputMimeType: 'image/heic' });
		expect(processed.output.bytes).toBe(heic);
		expect(processed.original).toBeUndefined();
	});

	it('lowers the quality when the JPEG would exceed the limit, and refuses when even the floor is too big', async () => {
		const heic = corpusFile('receipt.heic');
		const q90 = (await convertHeifToJpeg(heic, 90)).length;
		const q75 = (await convertHeifToJpeg(heic, 75)).length;
		const fits = await processInvoiceFile(heic, { maxBytes: Math.max(heic.length, Math.floor((q90 + q75) / 2)) });
		expect(fits.result).toMatchObject({ accepted: true, conversion: { quality: 75 } });
		// The HEIC itself fits, but no JPEG of it does, even at the quality floor (50).
		expect((await convertHeifToJpeg(heic, 50)).length).toBeGreaterThan(heic.length);
		const tooSmall = await processInvoiceFile(heic, { maxBytes: heic.length });
		expect(tooSmall.result).toMatchObject({ accepted: false, reason: 'too_large' });
	}, 60_000);

	it('reports a HEIF whose HEVC data cannot be decoded as conversion_failed', async () => {
		const heic = Buffer.from(corpusFile('receipt.heic'));
		// Zero the parameter sets in 'hvcC' (after its 23-byte fixed part); the box structure stays intact.
		const hvcC = heic.indexOf('hvcC');
		const end = hvcC - 4 + heic.readUInt32BE(hvcC - 4);
		heic.fill(0, hvcC + 4 + 23, end);
		expect(checkInvoiceFile(heic)).toMatchObject({ accepted: true, type: 'heic' });
		const log = jest.spyOn(console, 'log').mockImplementation(() => undefined); // libheif-js logs decoder errors
		try {
			const processed = await processInvoiceFile(heic);
			expect(processed.result).toMatchObject({ accepted: false, reason: 'conversion_failed', detectedType: 'heic' });
			expect(processed.result.accepted || processed.result.message).toBe('The photo could not be converted. Please send it as a JPEG or a PDF.');
		} finally {
			log.mockRestore();
		}
	}, 30_000);
});
