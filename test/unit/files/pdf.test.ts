import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { checkInvoiceFile } from '../../../src/files';
import { inspectPdf } from '../../../src/files/pdf';
import { corpusFile } from './helpers';

/** Same-length byte replacement, so that every offset in the PDF stays right. */
function replaceSameLength(pdf: Buffer, from: string, to: string): Buffer {
	expect(to.length).toBe(from.length);
	const text = pdf.toString('latin1');
	expect(text.includes(from)).toBe(true);
	return Buffer.from(text.split(from).join(to), 'latin1');
}

/** The compressed content of an object stream holding objects 1… (the given dictionaries), and its /First offset. */
function objectStreamContent(bodies: string[]): { first: number; data: Buffer } {
	let offset = 0;
	const pairs = bodies.map((body, i) => {
		const pair = `${i + 1} ${offset}`;
		offset += body.length + 1;
		return pair;
	});
	const header = pairs.join(' ') + '\n';
	return { first: header.length, data: deflateSync(Buffer.from(header + bodies.join('\n'), 'latin1')) };
}

/** A PDF 1.5 whose objects 1… are the given dictionaries, all inside one compressed object stream. */
function objectStreamPdf(bodies: string[]): Buffer {
	const { first, data } = objectStreamContent(bodies);
	const number = bodies.length + 1;
	return Buffer.from(
		[
			'%PDF-1.5\n',
			`${number} 0 obj\n<</Type/ObjStm/N ${bodies.length}/First ${first}/Filter/FlateDecode/Length ${data.length}>>\nstream\n`,
			data.toString('latin1'),
			'\nendstream\nendobj\n',
			`${number + 1} 0 obj\n<</Type/XRef/Root 1 0 R/Size ${number + 2}>>\nstream\n\nendstream\nendobj\nstartxref\n0\n%%EOF\n`,
		].join(''),
		'latin1',
	);
}

describe('PDF checks', () => {
	it('counts pages from the page tree in classic and object-stream PDFs', () => {
		expect(inspectPdf(corpusFile('invoice-3pages.pdf'))).toMatchObject({ ok: true, version: '1.4', pageCount: 3, pageCountSource: 'page_tree', notes: [] });
		// qpdf moved the catalog, page tree and pages into compressed object streams behind a cross-reference stream.
		const objstm = corpusFile('invoice-3pages-objstm.pdf');
		expect(objstm.toString('latin1')).not.toMatch(/\/Type\s*\/Page\b/);
		expect(inspectPdf(objstm)).toMatchObject({ ok: true, version: '1.5', pageCount: 3, pageCountSource: 'page_tree', notes: [] });
	});

	it('falls back to counting page objects when the page tree cannot be reached, and says so', () => {
		const pdf = replaceSameLength(corpusFile('invoice-3pages.pdf'), '/Root 1 0 R', '/Root 9 9 R');
		const info = inspectPdf(pdf);
		expect(info).toMatchObject({ ok: true, pageCount: 3, pageCountSource: 'page_objects' });
		expect(info.ok && info.notes).toEqual(['page tree not readable: counted /Type /Page objects instead']);
	});

	it('accepts a PDF whose object streams cannot be read, with an unknown page count and a note', () => {
		const text = corpusFile('invoice-3pages-objstm.pdf').toString('latin1');
		// Damage the compressed data of every object stream (same length).
		const damaged = text.replace(/(\/Type\s*\/ObjStm[^]*?stream\r?\n)([^]{16})/g, (_, head: string, data: string) => head + 'x'.repeat(data.length));
		expect(damaged).not.toBe(text);
		const info = inspectPdf(Buffer.from(damaged, 'latin1'));
		expect(info).toMatchObject({ ok: true, pageCount: null, pageCountSource: 'unknown' });
		expect(info.ok && info.notes.join(' ')).toMatch(/could not read \d+ object stream.*page count unknown/);
	});

	it('reads an object stream with an indirect /Length and notes a page tree that disagrees with the page objects', () => {
		const bodies = ['<</Type/Catalog/Pages 2 0 R>>', '<</Type/Pages/Kids[3 0 R]/Count 2>>', '<</Type/Page/Parent 2 0 R>>'];
		const { first, data } = objectStreamContent(bodies);
		const parts = [
			'%PDF-1.5\n',
			`4 0 obj\n<</Type/ObjStm/N 3/First ${first}/Filter/FlateDecode/Length 5 0 R>>\nstream\n`,
			data.toString('latin1'),
			'\nendstream\nendobj\n',
			`5 0 obj\n${data.length}\nendobj\n`,
			'6 0 obj\n<</Type/XRef/Root 1 0 R/Size 7>>\nstream\n\nendstream\nendobj\nstartxref\n0\n%%EOF\n',
		];
		const info = inspectPdf(Buffer.from(parts.join(''), 'latin1'));
		expect(info).toMatchObject({ ok: true, pageCount: 2, pageCountSource: 'page_tree' });
		expect(info.ok && info.notes).toContain('page tree says 2 pages, 1 page objects found');
	});

	it('rejects encrypted PDFs: /Encrypt in a trailer, or an encryption dictionary in a cross-reference stream PDF', () => {
		expect(checkInvoiceFile(corpusFile('invoice-encrypted.pdf'))).toMatchObject({
			reason: 'encrypted_pdf',
			message: 'The PDF is protected by a password. Please send a copy without a password.',
		});
		const xrefStream = '%PDF-1.7\n1 0 obj\n<</Filter/Standard/V 5/R 6/O (a)/U (b)/P -4>>\nendobj\n2 0 obj\n<</Type/XRef/Size 3/Root 3 0 R/Encrypt 1 0 R>>\nstream\n\nendstream\nendobj\nstartxref\n0\n%%EOF\n';
		expect(inspectPdf(Buffer.from(xrefStream, 'latin1'))).toMatchObject({ ok: false, reason: 'encrypted_pdf' });
		const noTrailer = xrefStream.replace('/Encrypt 1 0 R', '');
		expect(inspectPdf(Buffer.from(noTrailer, 'latin1'))).toMatchObject({ ok: false, reason: 'encrypted_pdf', detail: 'PDF: contains an encryption dictionary' });
	});

	it('is not fooled by /EncryptMetadata or the word Encrypt in a string', () => {
		const pdf = corpusFile('invoice-1page.pdf').toString('latin1').replace('/Type /Catalog', '/Type /Catalog /Note (see /Encrypt 1 0 R) /EncryptMetadata false');
		expect(inspectPdf(Buffer.from(pdf, 'latin1'))).toMatchObject({ ok: true, pageCount: 1 });
	});

	it('treats a missing end marker as truncated and data before the header as damage', () => {
		const pdf = corpusFile('invoice-1page.pdf');
		expect(checkInvoiceFile(pdf.subarray(0, Math.floor(pdf.length / 2)))).toMatchObject({ reason: 'truncated', detectedType: 'pdf' });
		expect(checkInvoiceFile(Buffer.concat([Buffer.from('garbage\n'), pdf]))).toMatchObject({ reason: 'corrupt', detectedType: 'pdf' });
		// %%EOF followed by a little trailing junk (under 1024 bytes) is fine, as in Acrobat.
		expect(checkInvoiceFile(Buffer.concat([pdf, Buffer.alloc(500, 0x20)]))).toMatchObject({ accepted: true });
	});

	it('rejects a PDF with no page tree and no page object as corrupt', () => {
		expect(checkInvoiceFile(corpusFile('invoice-no-pages.pdf'))).toMatchObject({ accepted: false, reason: 'corrupt', detail: 'PDF: no page tree and no page objects' });
		// The same damage in a real document (same length): the catalog loses its /Pages, the page tree and page their /Type.
		let pdf = replaceSameLength(corpusFile('invoice-1page.pdf'), '/Catalog /Pages 2 0 R', '/Catalog /Lost  2 0 R');
		pdf = replaceSameLength(replaceSameLength(pdf, '/Type /Pages', '/Kind /Pages'), '/Type /Page ', '/Kind /Page ');
		expect(checkInvoiceFile(pdf)).toMatchObject({ accepted: false, reason: 'corrupt' });
		// While the catalog still leads to the page tree, the missing /Type does not matter.
		const untyped = replaceSameLength(replaceSameLength(corpusFile('invoice-1page.pdf'), '/Type /Pages', '/Kind /Pages'), '/Type /Page ', '/Kind /Page ');
		expect(checkInvoiceFile(untyped)).toMatchObject({ accepted: true, pageCount: 1 });
	});

	it('looks for pages inside object streams: none there is corrupt, an unreadable one may hold them', () => {
		const catalogOnly = objectStreamPdf(['<</Type/Catalog>>', '<</Producer(scanner)>>']);
		expect(checkInvoiceFile(catalogOnly)).toMatchObject({ accepted: false, reason: 'corrupt', detail: 'PDF: no page tree and no page objects' });
		const withPages = objectStreamPdf(['<</Type/Catalog/Pages 2 0 R>>', '<</Type/Pages/Kids[3 0 R]/Count 1>>', '<</Type/Page/Parent 2 0 R>>']);
		expect(checkInvoiceFile(withPages)).toMatchObject({ accepted: true, pageCount: 1 });
		// Compressed with a filter this check does not decode: the pages may be in there, so the file goes on.
		const unreadable = Buffer.from(withPages.toString('latin1').replace('/Filter/FlateDecode', '/Filter/LZWDecode '), 'latin1');
		expect(checkInvoiceFile(unreadable)).toMatchObject({ accepted: true, pageCount: null, pageCountSource: 'unknown' });
	});

	it('cuts a ZIP appended to a PDF right after its %%EOF line, and cuts a second PDF appended to it', () => {
		const pdf = corpusFile('invoice-1page.pdf');
		for (const appended of [corpusFile('archive.zip'), corpusFile('invoice-3pages.pdf')]) {
			const result = checkInvoiceFile(Buffer.concat([pdf, appended]));
			expect(result).toMatchObject({ accepted: true, pageCount: 1, size: pdf.length, removedTrailingBytes: appended.length });
			expect(result.accepted && result.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
		}
		// Appended without a line break after %%EOF.
		const glued = Buffer.concat([pdf.subarray(0, -1), corpusFile('archive.zip')]);
		expect(checkInvoiceFile(glued)).toMatchObject({ accepted: true, size: pdf.length - 1 });
	});

	it('keeps white space after %%EOF (scanners pad files) and a %%EOF inside stream data is not the end', () => {
		const pdf = corpusFile('invoice-1page.pdf');
		const padded = Buffer.concat([pdf, Buffer.alloc(2000, 0)]);
		expect(checkInvoiceFile(padded)).toMatchObject({ accepted: true, size: padded.length });
		expect(checkInvoiceFile(padded)).not.toHaveProperty('removedTrailingBytes');
		const markerInStream = replaceSameLength(pdf, '(Invoice page 1 of 1)', '(x\n%%EOF\nnot the end)');
		expect(checkInvoiceFile(markerInStream)).toMatchObject({ accepted: true, size: pdf.length, pageCount: 1 });
	});

	it('keeps every revision of an incrementally updated PDF, and refuses one whose update was cut off', () => {
		const updated = corpusFile('invoice-incremental-update.pdf');
		expect(checkInvoiceFile(updated)).toMatchObject({ accepted: true, size: updated.length });
		expect(checkInvoiceFile(Buffer.concat([updated, corpusFile('archive.zip')]))).toMatchObject({ accepted: true, size: updated.length });
		const cut = updated.subarray(0, updated.length - 40);
		expect(cut.toString('latin1')).toContain('%%EOF');
		expect(checkInvoiceFile(cut)).toMatchObject({ accepted: false, reason: 'truncated', detail: 'PDF: the data ends inside an incremental update, before its %%EOF' });
	});

	it('rejects a PDF whose page tree has no pages', () => {
		const pdf = replaceSameLength(corpusFile('invoice-1page.pdf'), '/Count 1', '/Count 0');
		expect(checkInvoiceFile(pdf)).toMatchObject({ accepted: false, reason: 'corrupt', detail: 'PDF: the document has no pages' });
	});
});
