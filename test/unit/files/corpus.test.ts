import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { checkInvoiceFile, DEFAULT_MAX_BYTES, processInvoiceFile, type RejectReason } from '../../../src/files';
import { CORPUS, corpusFile, padPdf } from './helpers';

interface Accept {
	file: string;
	type: 'jpeg' | 'png' | 'pdf' | 'heic' | 'heif';
	mimeType: string;
	pages?: number;
	size?: [number, number];
	/** Name of the file for Qonto (after conversion for HEIC/HEIF). */
	output: string;
	/** Corpus file whose exact bytes are forwarded, when something appended to the sent file is cut off. */
	forwarded?: string;
}

interface Reject {
	file: string;
	reason: RejectReason;
	detected?: string;
}

// Every file in test/fixtures/files (made by scripts/make-file-corpus.sh) with its verdict.
const ACCEPTED: Accept[] = [
	{ file: 'receipt.jpg', type: 'jpeg', mimeType: 'image/jpeg', size: [600, 922], output: 'receipt.jpg' },
	{ file: 'receipt.png', type: 'png', mimeType: 'image/png', size: [400, 729], output: 'receipt.png' },
	{ file: 'invoice-1page.pdf', type: 'pdf', mimeType: 'application/pdf', pages: 1, output: 'invoice-1page.pdf' },
	{ file: 'invoice-3pages.pdf', type: 'pdf', mimeType: 'application/pdf', pages: 3, output: 'invoice-3pages.pdf' },
	{ file: 'invoice-3pages-objstm.pdf', type: 'pdf', mimeType: 'application/pdf', pages: 3, output: 'invoice-3pages-objstm.pdf' },
	{ file: 'invoice-ghostscript.pdf', type: 'pdf', mimeType: 'application/pdf', pages: 2, output: 'invoice-ghostscript.pdf' },
	{ file: 'invoice-incremental-update.pdf', type: 'pdf', mimeType: 'application/pdf', pages: 1, output: 'invoice-incremental-update.pdf' },
	{ file: 'polyglot-invoice-zip.pdf', type: 'pdf', mimeType: 'application/pdf', pages: 1, output: 'polyglot-invoice-zip.pdf', forwarded: 'invoice-1page.pdf' },
	{ file: 'polyglot-receipt-zip.jpg', type: 'jpeg', mimeType: 'image/jpeg', size: [600, 922], output: 'polyglot-receipt-zip.jpg', forwarded: 'receipt.jpg' },
	{ file: 'pdf-renamed.heic', type: 'pdf', mimeType: 'application/pdf', pages: 1, output: 'pdf-renamed.pdf' },
	{ file: 'receipt.heic', type: 'heic', mimeType: 'image/heic', size: [640, 1437], output: 'receipt.jpg' },
	{ file: 'receipt-mif1.heif', type: 'heif', mimeType: 'image/heif', size: [640, 1437], output: 'receipt-mif1.jpg' },
	{ file: 'receipt-10bit-heix.heif', type: 'heic', mimeType: 'image/heic', size: [640, 1437], output: 'receipt-10bit-heix.jpg' },
	{ file: 'receipt-heim.heic', type: 'heic', mimeType: 'image/heic', size: [640, 1437], output: 'receipt-heim.jpg' },
];

const REJECTED: Reject[] = [
	{ file: 'animation.gif', reason: 'unsupported_type', detected: 'gif' },
	{ file: 'gif-renamed.jpg', reason: 'unsupported_type', detected: 'gif' },
	{ file: 'sticker.webp', reason: 'unsupported_type', detected: 'webp' },
	{ file: 'notes.txt', reason: 'unsupported_type', detected: 'text' },
	{ file: 'archive.zip', reason: 'unsupported_type', detected: 'zip' },
	{ file: 'invoice.docx', reason: 'unsupported_type', detected: 'docx' },
	{ file: 'clip.mp4', reason: 'unsupported_type', detected: 'mp4' },
	{ file: 'clip.mov', reason: 'unsupported_type', detected: 'mov' },
	{ file: 'voice.ogg', reason: 'unsupported_type', detected: 'opus' },
	{ file: 'receipt.avif', reason: 'unsupported_type', detected: 'avif' },
	{ file: 'empty.jpg', reason: 'empty_file' },
	{ file: 'truncated-receipt.jpg', reason: 'truncated', detected: 'jpeg' },
	{ file: 'truncated-receipt.png', reason: 'truncated', detected: 'png' },
	{ file: 'truncated-receipt.heic', reason: 'truncated', detected: 'heic' },
	{ file: 'invoice-no-eof.pdf', reason: 'truncated', detected: 'pdf' },
	{ file: 'invoice-encrypted.pdf', reason: 'encrypted_pdf', detected: 'pdf' },
	{ file: 'invoice-no-pages.pdf', reason: 'corrupt', detected: 'pdf' },
	{ file: 'corrupt-idat-crc.png', reason: 'corrupt', detected: 'png' },
	{ file: 'corrupt-ihdr-crc.png', reason: 'corrupt', detected: 'png' },
	{ file: 'bomb-25000px.png', reason: 'image_too_large', detected: 'png' },
	{ file: 'bomb-30000px.jpg', reason: 'image_too_large', detected: 'jpeg' },
	{ file: 'bomb-1200mp.heic', reason: 'image_too_large', detected: 'heic' },
];

describe('file corpus', () => {
	it('has a verdict for every committed file', () => {
		const listed = [...ACCEPTED, ...REJECTED].map((entry) => entry.file).sort();
		const present = readdirSync(CORPUS).filter((name) => name !== 'README.md').sort();
		expect(listed).toEqual(present);
	});

	it.each(ACCEPTED)('accepts $file as $type', async (entry) => {
		const bytes = corpusFile(entry.file);
		const forwarded = entry.forwarded ? corpusFile(entry.forwarded) : bytes;
		const processed = await processInvoiceFile(bytes, { fileName: entry.file });
		if (!('output' in processed)) throw new Error(`rejected: ${processed.result.reason} (${processed.result.detail})`);
		const { result, output } = processed;
		expect(result.type).toBe(entry.type);
		expect(result.mimeType).toBe(entry.mimeType);
		// Size and hash are those of the file as forwarded (anything appended cut off), also when it is converted.
		expect(result.size).toBe(forwarded.length);
		expect(result.sha256).toBe(createHash('sha256').update(forwarded).digest('hex'));
		expect(result.removedTrailingBytes).toBe(entry.forwarded ? bytes.length - forwarded.length : undefined);
		if (!result.converted) {
			expect(Buffer.from(output.bytes).equals(forwarded)).toBe(true);
			expect(result.outputSize).toBe(forwarded.length);
		}
		expect(result.fileName).toBe(entry.output);
		if (entry.pages !== undefined) {
			expect(result.pageCount).toBe(entry.pages);
			expect(result.pageCountSource).toBe('page_tree');
		}
		if (entry.size) expect([result.width, result.height]).toEqual(entry.size);
		expect(result.converted).toBe(entry.type === 'heic' || entry.type === 'heif');
		expect(result.outputMimeType).toBe(entry.type === 'png' ? 'image/png' : entry.type === 'pdf' ? 'application/pdf' : 'image/jpeg');
	});

	it.each(REJECTED)('rejects $file: $reason', async (entry) => {
		const { result } = await processInvoiceFile(corpusFile(entry.file), { fileName: entry.file });
		if (result.accepted) throw new Error(`accepted as ${result.type}`);
		expect(result.reason).toBe(entry.reason);
		expect(result.detectedType).toBe(entry.detected);
		expect(result.message).toMatch(/\.$/);
		expect(result.message).not.toMatch(/\{\w+\}/);
	});

	it('has polyglots whose ZIP holds the host file again, so the last FFD9 or %%EOF in them is not where the host ends', () => {
		for (const [file, host] of [['polyglot-receipt-zip.jpg', 'receipt.jpg'], ['polyglot-invoice-zip.pdf', 'invoice-1page.pdf']]) {
			const sent = corpusFile(file);
			const original = corpusFile(host);
			expect(sent.subarray(0, original.length).equals(original)).toBe(true);
			expect(sent.subarray(original.length, original.length + 4).toString('latin1')).toBe('PK\u0003\u0004');
			expect(sent.lastIndexOf(original.subarray(-6))).toBeGreaterThan(original.length);
		}
	});

	it('has an incremental update: two %%EOF, the second at the end, and both revisions forwarded', () => {
		const pdf = corpusFile('invoice-incremental-update.pdf');
		const original = corpusFile('invoice-1page.pdf');
		expect(pdf.subarray(0, original.length).equals(original)).toBe(true);
		expect(pdf.toString('latin1').match(/%%EOF/g)).toHaveLength(2);
		expect(checkInvoiceFile(pdf)).toMatchObject({ accepted: true, size: pdf.length, pageCount: 1 });
	});

	it('says which formats are accepted when the type is refused', () => {
		const result = checkInvoiceFile(corpusFile('sticker.webp'));
		expect(result.accepted || result.message).toBe('This file type is not accepted. Please send a file in one of these formats: PDF, JPEG, PNG, HEIC, HEIF.');
	});

	describe('size limit (15 MB = 15 × 1024 × 1024 bytes), generated at run time', () => {
		const pdf = corpusFile('invoice-1page.pdf');

		it('accepts a valid PDF of exactly the limit', () => {
			const atLimit = padPdf(pdf, DEFAULT_MAX_BYTES);
			expect(atLimit.length).toBe(15_728_640);
			const result = checkInvoiceFile(atLimit);
			expect(result).toMatchObject({ accepted: true, type: 'pdf', pageCount: 1 });
		});

		it('rejects the same PDF one byte over the limit, before looking at its content', () => {
			const over = padPdf(pdf, DEFAULT_MAX_BYTES + 1);
			const result = checkInvoiceFile(over);
			expect(result).toMatchObject({ accepted: false, reason: 'too_large', params: { sizeMb: 15.1, limitMb: 15, limitBytes: 15_728_640 } });
			expect(result.accepted || result.message).toBe('The file is 15.1 MB, larger than the limit of 15 MB. Please send a smaller file.');
		});

		it('follows a configured limit', () => {
			expect(checkInvoiceFile(pdf, { maxBytes: pdf.length - 1 })).toMatchObject({ reason: 'too_large' });
			expect(checkInvoiceFile(pdf, { maxBytes: pdf.length })).toMatchObject({ accepted: true });
			const small = checkInvoiceFile(pdf, { maxBytes: 100 * 1024 });
			expect(small.accepted || small.message).toMatch(/^The file is 0\.\d MB, larger than the limit of 0\.1 MB\. Please send a smaller file\.$/);
		});
	});
});
