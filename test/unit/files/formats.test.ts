import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { checkInvoiceFile, outputFileName, processInvoiceFile, REJECTION_MESSAGES, rejectionMessage, type RejectReason } from '../../../src/files';
import { inspectHeif } from '../../../src/files/heif';
import { sniff } from '../../../src/files/sniff';
import { corpusFile } from './helpers';

function box(type: string, content: Buffer): Buffer {
	const header = Buffer.alloc(8);
	header.writeUInt32BE(8 + content.length);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, content]);
}

function ftyp(major: string, ...compatible: string[]): Buffer {
	return box('ftyp', Buffer.from(major + '\0\0\0\0' + compatible.join(''), 'latin1'));
}

describe('output file names', () => {
	it.each([
		['receipt.heic', 'jpg', 'receipt.jpg'],
		['x.heic', 'pdf', 'x.pdf'],
		['IMG_0001.HEIC', 'jpg', 'IMG_0001.jpg'],
		['scan.JPEG', 'jpg', 'scan.JPEG'],
		['photo.png', 'jpg', 'photo.jpg'],
		['Invoice 2024.03', 'pdf', 'Invoice 2024.03.pdf'],
		['my.receipt.pdf', 'pdf', 'my.receipt.pdf'],
		[undefined, 'pdf', 'document.pdf'],
		['', 'jpg', 'image.jpg'],
		['.heic', 'jpg', 'image.jpg'],
		['../../etc/passwd.heic', 'jpg', 'passwd.jpg'],
		['C:\\Users\\me\\facture\u0007.pdf', 'pdf', 'facture.pdf'],
	])('%s as %s → %s', (name, extension, expected) => {
		expect(outputFileName(name, extension)).toBe(expected);
	});

	it('keeps names short', () => {
		const name = outputFileName('a'.repeat(500) + '.heic', 'jpg');
		expect(name).toHaveLength(200);
		expect(name.endsWith('.jpg')).toBe(true);
	});
});

describe('messages', () => {
	it('has one short sentence per reason, with its placeholders filled', () => {
		for (const reason of Object.keys(REJECTION_MESSAGES) as RejectReason[]) {
			expect(REJECTION_MESSAGES[reason].length).toBeLessThan(120);
		}
		expect(rejectionMessage('too_large', { sizeMb: 16.2, limitMb: 15 })).toBe('The file is 16.2 MB, larger than the limit of 15 MB. Please send a smaller file.');
		expect(checkInvoiceFile(corpusFile('bomb-25000px.png'))).toMatchObject({
			message: 'The image is too big (625 megapixels, 25000×25000). Please send a smaller photo or a PDF.',
			params: { width: 25000, height: 25000, megapixels: 625, maxMegapixels: 100, maxSide: 20000 },
		});
	});
});

describe('ISO-BMFF files: HEIF images versus MP4/MOV/3GP media', () => {
	it.each([
		['mp4', ftyp('isom', 'isom', 'iso2', 'mp41')],
		['mov', ftyp('qt  ', 'qt  ')],
		['3gp', ftyp('3gp4', '3gp4', 'isom')],
		['m4a', ftyp('M4A ', 'M4A ', 'mp42')],
	])('names %s from its brands', (type, bytes) => {
		expect(sniff(Buffer.concat([bytes, box('moov', Buffer.alloc(16))]))).toMatchObject({ kind: 'other', type });
	});

	it('refuses a HEIF image sequence that has no still image', () => {
		const sequence = Buffer.concat([ftyp('msf1', 'msf1', 'iso8', 'hevc'), box('moov', Buffer.alloc(16))]);
		expect(checkInvoiceFile(sequence)).toMatchObject({ reason: 'unsupported_type', detectedType: 'heif-sequence' });
	});

	it('decides by content: an AVIF that only announces mif1 is still AVIF', () => {
		const avif = Buffer.from(corpusFile('receipt.avif'));
		avif.write('mif1', 8, 'latin1'); // major brand
		avif.write('mif1miafmif1', 16, 'latin1'); // compatible brands without 'avif'
		expect(checkInvoiceFile(avif)).toMatchObject({ reason: 'unsupported_type', detectedType: 'avif' });
	});

	it('reads the primary (grid) image size from its ispe through ipma', () => {
		const info = inspectHeif(corpusFile('receipt.heic'));
		expect(info).toMatchObject({ ok: true, width: 640, height: 1437, type: 'heic', mimeType: 'image/heic' });
	});
});

function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** A JPEG segment: marker, then a length that counts itself. */
function segment(marker: number, content: Buffer): Buffer {
	const header = Buffer.from([0xff, marker, 0, 0]);
	header.writeUInt16BE(content.length + 2, 2);
	return Buffer.concat([header, content]);
}

/** The smallest JPEG structure the check reads: SOI, a 1×1 frame, one scan of the given entropy-coded bytes, EOI. */
function tinyJpeg(scan: number[]): Buffer {
	return Buffer.concat([
		Buffer.from([0xff, 0xd8]),
		segment(0xc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0])),
		segment(0xda, Buffer.from([1, 1, 0, 0, 63, 0])),
		Buffer.from(scan),
		Buffer.from([0xff, 0xd9]),
	]);
}

function pngChunk(type: string, data: Buffer): Buffer {
	const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typeAndData));
	return Buffer.concat([length, typeAndData, crc]);
}

/** A 1×1 palette PNG with every critical chunk (IHDR, PLTE, IDAT, IEND) and one ancillary text chunk. */
function palettePng(): Buffer {
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 3, 0, 0, 0])),
		pngChunk('PLTE', Buffer.from([255, 255, 255])),
		pngChunk('tEXt', Buffer.from('Comment\0scanned receipt', 'latin1')),
		pngChunk('IDAT', deflateSync(Buffer.from([0, 0]))),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/** The same PNG with the stored CRC of the named chunk changed. */
function withWrongCrc(png: Buffer, type: string): Buffer {
	const damaged = Buffer.from(png);
	const at = damaged.indexOf(type, 8, 'latin1') - 4;
	const crcAt = at + 8 + damaged.readUInt32BE(at);
	damaged[crcAt] ^= 0x01;
	return damaged;
}

describe('JPEG and PNG structure', () => {
	it('rejects a JPEG without a frame', () => {
		expect(checkInvoiceFile(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toMatchObject({ reason: 'corrupt' });
	});

	it('cuts what follows the end-of-image marker (a second image, another file) and hashes what is forwarded', async () => {
		const jpeg = corpusFile('receipt.jpg');
		const sent = Buffer.concat([jpeg, jpeg]);
		expect(checkInvoiceFile(sent)).toMatchObject({ accepted: true, width: 600, height: 922, size: jpeg.length, sha256: sha256(jpeg), removedTrailingBytes: jpeg.length });
		const processed = await processInvoiceFile(sent);
		expect('output' in processed && Buffer.from(processed.output.bytes).equals(jpeg)).toBe(true);
	});

	it('ends a JPEG at the EOI after its scan, not at the FFD9 of an EXIF thumbnail inside APP1', () => {
		const jpeg = corpusFile('receipt.jpg');
		// A whole JPEG as the "thumbnail" in an APP1 segment right after SOI: its SOI…EOI lies inside the segment's length.
		const withThumbnail = Buffer.concat([jpeg.subarray(0, 2), segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), jpeg])), jpeg.subarray(2)]);
		const zipTail = Buffer.from('PK\u0003\u0004 appended \u00ff\u00d9 archive', 'latin1');
		const result = checkInvoiceFile(Buffer.concat([withThumbnail, zipTail]));
		expect(result).toMatchObject({ accepted: true, size: withThumbnail.length, sha256: sha256(withThumbnail), removedTrailingBytes: zipTail.length });
	});

	it('reads over stuffed bytes (FF00), fill bytes and restart markers in the scan to the real end-of-image', () => {
		const jpeg = tinyJpeg([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0xd1, 0x78, 0xff, 0x00]);
		expect(checkInvoiceFile(jpeg)).toMatchObject({ accepted: true, width: 1, height: 1, size: jpeg.length });
		expect(checkInvoiceFile(Buffer.concat([jpeg, Buffer.from([0xff, 0xd9, 0xff, 0xd9])]))).toMatchObject({ accepted: true, size: jpeg.length, removedTrailingBytes: 4 });
		// Without its EOI the scan runs to the end of the data: cut off.
		expect(checkInvoiceFile(jpeg.subarray(0, -2))).toMatchObject({ reason: 'truncated' });
	});

	it('accepts the test PNG as it is built', () => {
		const png = palettePng();
		expect(checkInvoiceFile(png)).toMatchObject({ accepted: true, width: 1, height: 1, size: png.length, notes: [] });
	});

	it.each(['IHDR', 'PLTE', 'IDAT', 'IEND'])('rejects a PNG whose critical %s chunk has a wrong CRC as corrupt', (type) => {
		expect(checkInvoiceFile(withWrongCrc(palettePng(), type))).toMatchObject({
			accepted: false,
			reason: 'corrupt',
			detail: expect.stringContaining(`wrong CRC in the ${type} chunk`),
		});
	});

	it('accepts a PNG whose ancillary text chunk has a wrong CRC, as decoders skip that chunk, and notes it', () => {
		const damaged = withWrongCrc(palettePng(), 'tEXt');
		expect(checkInvoiceFile(damaged)).toMatchObject({ accepted: true, size: damaged.length, notes: ['wrong CRC in ancillary chunk(s) tEXt: decoders skip them'] });
	});

	it('cuts what follows the IEND chunk', () => {
		const png = palettePng();
		const sent = Buffer.concat([png, corpusFile('archive.zip')]);
		expect(checkInvoiceFile(sent)).toMatchObject({ accepted: true, size: png.length, sha256: sha256(png), removedTrailingBytes: sent.length - png.length });
	});
});

describe('properties', () => {
	it('never throws and always gives a known verdict, whatever the bytes', () => {
		const reasons = new Set(Object.keys(REJECTION_MESSAGES));
		fc.assert(
			fc.property(fc.uint8Array({ minLength: 0, maxLength: 2048 }), (bytes) => {
				const result = checkInvoiceFile(bytes);
				if (!result.accepted) expect(reasons.has(result.reason)).toBe(true);
			}),
			{ numRuns: 500 },
		);
	});

	it('never throws on damaged real files (random byte flips)', () => {
		const files = ['receipt.jpg', 'receipt.png', 'receipt.heic', 'invoice-3pages-objstm.pdf'].map(corpusFile);
		fc.assert(
			fc.property(fc.nat(files.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }), (which, flips) => {
				const bytes = Buffer.from(files[which]);
				for (const [at, value] of flips) bytes[at % bytes.length] = value;
				checkInvoiceFile(bytes);
			}),
			{ numRuns: 300 },
		);
	});

	it('never accepts a cut-off JPEG, PNG or HEIC, nor a PDF cut before its end marker', () => {
		const cases = ['receipt.jpg', 'receipt.png', 'receipt.heic', 'invoice-3pages.pdf'].map((name) => ({ name, bytes: corpusFile(name) }));
		fc.assert(
			fc.property(fc.nat(cases.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), (which, fraction) => {
				const { name, bytes } = cases[which];
				const keep = Math.floor(fraction * (bytes.length - (name.endsWith('.pdf') ? 7 : 1)));
				const result = checkInvoiceFile(bytes.subarray(0, keep));
				expect(result.accepted).toBe(false);
			}),
			{ numRuns: 400 },
		);
	});
});
