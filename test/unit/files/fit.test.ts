/**
 * Files for Qonto fit one upload request: Qonto's 15 MB is per request, so the file gets 15 MiB less the form around
 * it (QONTO_FILE_ROOM_BYTES). A PDF over that room is refused with the real limit; a JPEG or PNG over it is made to
 * fit losslessly (metadata removed, PNG data compressed again) and stays a valid image with the same pixels.
 */
import jpegJs from 'jpeg-js';
import { PNG } from 'pngjs';

import { processInvoiceFile } from '../../../src/files';
import { inspectJpeg } from '../../../src/files/jpeg';
import { inspectPng } from '../../../src/files/png';
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

	it('refuses a JPEG over the room with nothing to remove (no JPEG decoder among the dependencies), with the real limit', async () => {
		const jpeg = corpusFile('receipt.jpg');
		const processed = await processInvoiceFile(jpeg, { maxUploadBytes: jpeg.length - 1 });
		expect(processed.result).toMatchObject({ accepted: false, reason: 'too_large', params: { limitBytes: jpeg.length - 1 } });
		expect(processed.result.accepted === false && processed.result.detail).toMatch(/no JPEG decoder/);
	});

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
});
