import fc from 'fast-check';
import { checkInvoiceFile, outputFileName, REJECTION_MESSAGES, rejectionMessage, type RejectReason } from '../../../src/files';
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

describe('JPEG and PNG structure', () => {
	it('accepts data after the end-of-image marker (e.g. a second MPF image) and rejects a missing frame', () => {
		const jpeg = corpusFile('receipt.jpg');
		expect(checkInvoiceFile(Buffer.concat([jpeg, jpeg]))).toMatchObject({ accepted: true, width: 600, height: 922 });
		expect(checkInvoiceFile(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toMatchObject({ reason: 'corrupt' });
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
