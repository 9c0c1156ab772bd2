/**
 * Files for Qonto fit one upload request: Qonto's 15 MB is per request, so the file gets 15 MiB less the form around
 * it (QONTO_FILE_ROOM_BYTES). A PDF over that room is refused with the real limit; a JPEG or PNG over it is made to
 * fit losslessly when it can (metadata removed, PNG data compressed again: same pixels), otherwise re-encoded as a JPEG
 * at a lower quality (in a worker thread).
 */
import jpegJs from 'jpeg-js';
import { PNG } from 'pngjs';

import { processInvoiceFile } from '../../../src/files';
import { inspectJpeg } from '../../../src/files/jpeg';
import { inspectPng } from '../../../src/files/png';
import { reencodeAsJpeg } from '../../../src/files/reencode';
import { QONTO_FILE_ROOM_BYTES } from '../../../src/qonto/room';
import { corpusFile, padPdf } from './helpers';

const MIB = 1024 * 1024;

/** A JPEG with metadata segments (XMP in APP1, a comment) after SOI, padded to `size` bytes. */
function jpegWithMetadata(jpeg: Buffer, size: number): Buffer {
	const xmpHead = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
	const segments: Buffer[] = [];
	let missing = size - jpeg.length;
	while (missing > 0) {
		// Each segment is FF E1/FE + length (2 bytes, counting itself) + payload; at most 65,535 − 2 payload bytes.
		const total = Math.min(missing, 65_537);
		if (total < 4 + xmpHead.length) {
			segments.push(Buffer.concat([Buffer.from([0xff, 0xfe]), u16(total - 2), Buffer.alloc(total - 4, 0x20)]));
		} else {
			segments.push(Buffer.concat([Buffer.from([0xff, 0xe1]), u16(total - 2), xmpHead, Buffer.alloc(total - 4 - xmpHead.length, 0x20)]));
		}
		missing -= total;
	}
	return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** The JPEG with an Exif segment (little-endian TIFF, one IFD entry: Orientation) after its JFIF header. */
function withExif(jpeg: Buffer, orientation: number): Buffer {
	const tiff = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0, 0x01, 0x00, 0x12, 0x01, 0x03, 0x00, 0x01, 0, 0, 0, orientation, 0, 0, 0, 0, 0, 0, 0]);
	const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
	const segment = Buffer.concat([Buffer.from([0xff, 0xe1]), u16(payload.length + 2), payload]);
	const jfifEnd = jpeg[3] === 0xe0 ? 4 + jpeg.readUInt16BE(4) : 2;
	return Buffer.concat([jpeg.subarray(0, jfifEnd), segment, jpeg.subarray(jfifEnd)]);
}

/** The Orientation value of a JPEG's Exif segment written like withExif does, or undefined. */
function exifOrientation(jpeg: Uint8Array): number | undefined {
	const bytes = Buffer.from(jpeg);
	const at = bytes.indexOf(Buffer.from('Exif\0\0', 'latin1'));
	return at < 0 ? undefined : bytes[at + 6 + 18];
}

function u16(value: number): Buffer {
	const bytes = Buffer.alloc(2);
	bytes.writeUInt16BE(value);
	return bytes;
}

describe('a file for Qonto fits one 15 MiB request', () => {
	it('the room is 15 MiB less the form, shown to the sender as 14.9 MB (rounded down)', () => {
		expect(QONTO_FILE_ROOM_BYTES).toBeLessThan(15 * MIB);
		expect(QONTO_FILE_ROOM_BYTES).toBeGreaterThan(15 * MIB - 1024);
	});

	it('accepts a PDF of exactly the room, and refuses one byte more with the real limit', async () => {
		const pdf = corpusFile('invoice-1page.pdf');
		const fits = await processInvoiceFile(padPdf(pdf, QONTO_FILE_ROOM_BYTES), { fileName: 'big.pdf' });
		expect(fits.result).toMatchObject({ accepted: true, type: 'pdf', outputSize: QONTO_FILE_ROOM_BYTES });
		const over = await processInvoiceFile(padPdf(pdf, QONTO_FILE_ROOM_BYTES + 1), { fileName: 'big.pdf' });
		expect(over.result).toMatchObject({
			accepted: false,
			reason: 'too_large',
			params: { sizeMb: 15, limitMb: 14.9, limitBytes: QONTO_FILE_ROOM_BYTES },
			message: 'The file is 15 MB, larger than the limit of 14.9 MB. Please send a smaller file.',
		});
	});

	it('makes a 15 MiB JPEG fit by removing its metadata: a valid JPEG with the same pixels', async () => {
		const jpeg = corpusFile('receipt.jpg');
		const big = jpegWithMetadata(jpeg, 15 * MIB);
		expect(big.length).toBe(15 * MIB);
		const processed = await processInvoiceFile(big, { fileName: 'photo.jpg' });
		if (!('output' in processed)) throw new Error(`rejected: ${processed.result.detail}`);
		expect(processed.result).toMatchObject({ accepted: true, type: 'jpeg', converted: false, shrunk: { fromBytes: 15 * MIB } });
		expect(processed.output.bytes.length).toBeLessThanOrEqual(QONTO_FILE_ROOM_BYTES);
		expect(processed.output.asSent).toBe(false);
		expect(inspectJpeg(processed.output.bytes)).toMatchObject({ ok: true, width: processed.result.width, height: processed.result.height });
		const before = jpegJs.decode(jpeg, { useTArray: true });
		const after = jpegJs.decode(Buffer.from(processed.output.bytes), { useTArray: true });
		expect(Buffer.from(after.data).equals(Buffer.from(before.data))).toBe(true);
	});

	it('keeps a JPEG that already fits as sent', async () => {
		const jpeg = corpusFile('receipt.jpg');
		const processed = await processInvoiceFile(jpeg, { maxUploadBytes: jpeg.length });
		if (!('output' in processed)) throw new Error('rejected');
		expect(processed.output.bytes).toBe(jpeg);
		expect(processed.result.shrunk).toBeUndefined();
	});

	it('re-encodes a JPEG with nothing to remove at a lower quality until it fits: same size, orientation kept', async () => {
		const jpeg = withExif(corpusFile('receipt.jpg'), 6);
		const room = jpeg.length - 1;
		const processed = await processInvoiceFile(jpeg, { fileName: 'photo.jpg', maxUploadBytes: room });
		if (!('output' in processed)) throw new Error(`rejected: ${processed.result.detail}`);
		expect(processed.output.bytes.length).toBeLessThanOrEqual(room);
		expect(processed.output).toMatchObject({ asSent: false, mimeType: 'image/jpeg', fileName: 'photo.jpg' });
		expect(processed.result.shrunk?.steps.join(' ')).toMatch(/re-encoded as a JPEG at quality \d+/);
		const decoded = jpegJs.decode(Buffer.from(processed.output.bytes), { useTArray: true });
		expect([decoded.width, decoded.height]).toEqual([processed.result.width, processed.result.height]);
		expect(exifOrientation(processed.output.bytes)).toBe(6);
	}, 60_000);

	it('re-encodes a PNG photo that stays too large as a JPEG (transparent pixels on white)', async () => {
		const source = PNG.sync.read(corpusFile('receipt.png'));
		const png = PNG.sync.write(source, { deflateLevel: 9 });
		const processed = await processInvoiceFile(png, { fileName: 'scan.png', maxUploadBytes: Math.floor(png.length / 4) });
		if (!('output' in processed)) throw new Error(`rejected: ${processed.result.detail}`);
		expect(processed.output).toMatchObject({ mimeType: 'image/jpeg', fileName: 'scan.jpg', extension: 'jpg' });
		expect(processed.result).toMatchObject({ accepted: true, outputMimeType: 'image/jpeg', fileName: 'scan.jpg' });
		expect(inspectJpeg(processed.output.bytes)).toMatchObject({ ok: true, width: source.width, height: source.height });
	}, 60_000);

	it('refuses a photo that does not fit even at the lowest quality, with the real limit', async () => {
		const jpeg = corpusFile('receipt.jpg');
		const processed = await processInvoiceFile(jpeg, { maxUploadBytes: 2000 });
		expect(processed.result).toMatchObject({ accepted: false, reason: 'too_large', params: { limitBytes: 2000 } });
		expect(processed.result.accepted === false && processed.result.detail).toMatch(/even re-encoded as a JPEG at the lowest quality/);
	}, 60_000);

	it('makes a PNG fit by removing text chunks and compressing its data again: same pixels', async () => {
		const source = PNG.sync.read(corpusFile('receipt.png'));
		// Stored without compression, as some scanners write PNGs.
		const loose = PNG.sync.write(source, { deflateLevel: 0 });
		const processed = await processInvoiceFile(loose, { maxUploadBytes: Math.floor(loose.length / 2) });
		if (!('output' in processed)) throw new Error(`rejected: ${processed.result.detail}`);
		expect(processed.output.bytes.length).toBeLessThanOrEqual(Math.floor(loose.length / 2));
		expect(processed.result.shrunk?.steps.join(' ')).toMatch(/compressed the image data again/);
		expect(inspectPng(processed.output.bytes)).toMatchObject({ ok: true });
		const after = PNG.sync.read(Buffer.from(processed.output.bytes));
		expect(Buffer.from(after.data).equals(Buffer.from(source.data))).toBe(true);
	});

	it('lowers the quality of a converted HEIC until the JPEG fits the room', async () => {
		const heic = corpusFile('receipt.heic');
		const atDefault = await processInvoiceFile(heic);
		if (!('output' in atDefault)) throw new Error('rejected');
		const room = atDefault.output.bytes.length - 1;
		const processed = await processInvoiceFile(heic, { maxUploadBytes: room });
		if (!('output' in processed)) throw new Error('rejected');
		expect(processed.result.conversion?.quality).toBeLessThan(90);
		expect(processed.output.bytes.length).toBeLessThanOrEqual(room);
	}, 60_000);

	it('the re-encoding worker has a time limit, and a file it cannot decode is an error, not a hang', async () => {
		const jpeg = corpusFile('receipt.jpg');
		await expect(reencodeAsJpeg(jpeg, 'jpeg', 1000, { timeoutMs: 1 })).rejects.toThrow(/longer than 1 ms/);
		await expect(reencodeAsJpeg(jpeg.subarray(0, 600), 'jpeg', 1000)).rejects.toThrow();
	}, 60_000);
});
