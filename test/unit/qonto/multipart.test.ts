import fc from 'fast-check';

import { boundaryFrom, parseMultipart } from '../../contract-fakes/multipart';
import { buildMultipartBody, quoteDispositionValue } from '../../../src/qonto/multipart';
import { supplierInvoiceUploadParts } from '../../../src/qonto/supplierInvoices';

describe('buildMultipartBody', () => {
	it('writes the exact RFC 7578 layout', () => {
		const { body, contentType } = buildMultipartBody(
			[
				{ name: 'file', data: Buffer.from([0x25, 0x50, 0x44, 0x46]), fileName: 'a.pdf', contentType: 'application/pdf' },
				{ name: 'note', value: 'hi' },
			],
			'XyZ',
		);
		expect(contentType).toBe('multipart/form-data; boundary=XyZ');
		expect(body.toString('latin1')).toBe(
			'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n' +
				'--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--XyZ--\r\n',
		);
	});

	it('round-trips the supplier-invoice form through a multipart parser', () => {
		const file = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0x42]);
		const built = buildMultipartBody(
			supplierInvoiceUploadParts({
				file,
				fileName: 'reçu "1".jpg',
				contentType: 'image/jpeg',
				idempotencyKey: '2f1c0d6e-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
				source: 'integration',
				meta: { integration_type: 'whatsapp' },
				skipAttachmentMatcher: false,
			}),
		);
		const parts = parseMultipart(built.body, boundaryFrom(built.contentType) ?? '');
		expect(parts.map((part) => [part.name, part.fileName, part.contentType, part.text])).toEqual([
			// Written as reçu %221%22.jpg (WHATWG escaping), read back as the original name.
			['supplier_invoices[][file]', 'reçu "1".jpg', 'image/jpeg', file.toString('utf8')],
			['supplier_invoices[][idempotency_key]', undefined, undefined, '2f1c0d6e-1a2b-4c3d-8e4f-5a6b7c8d9e0f'],
			['source', undefined, undefined, 'integration'],
			['meta', undefined, undefined, '{"integration_type":"whatsapp"}'],
			['skip_attachment_matcher', undefined, undefined, 'false'],
		]);
		expect(parts[0].data.equals(file)).toBe(true);
	});

	it('leaves out optional fields that are not set', () => {
		const parts = supplierInvoiceUploadParts({ file: Buffer.from('x'), fileName: 'x.pdf', contentType: 'application/pdf', idempotencyKey: 'k' });
		expect(parts.map((part) => part.name)).toEqual(['supplier_invoices[][file]', 'supplier_invoices[][idempotency_key]']);
	});

	it('quotes names like browsers do (no header injection)', () => {
		expect(quoteDispositionValue('a"b\r\nContent-Type: evil')).toBe('"a%22b%0D%0AContent-Type: evil"');
	});

	it('refuses a boundary that is not allowed or occurs in the data', () => {
		expect(() => buildMultipartBody([{ name: 'a', value: 'b' }], 'bad boundary with spaces and way too long'.repeat(3))).toThrow(/Invalid multipart boundary/);
		expect(() => buildMultipartBody([{ name: 'a', value: 'x--B y' }], 'B')).toThrow(/occurs inside a part/);
	});

	// Backslashes are left out: parsers disagree on them (quoted-pair vs literal), and the node never sends one
	// (fileNameFor drops everything up to the last / or \\).
	it('any bytes, text fields and file names survive a round trip', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ maxLength: 2048 }),
				fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }).filter((name) => !/["\r\n%\\]/.test(name)), fc.string({ maxLength: 50 })), { maxLength: 5 }),
				fc.string({ minLength: 1, maxLength: 30 }).filter((name) => !/[\r\n%\\]/.test(name)),
				(bytes, fields, fileName) => {
					const file = Buffer.from(bytes);
					const built = buildMultipartBody([{ name: 'file', data: file, fileName, contentType: 'application/octet-stream' }, ...fields.map(([name, value]) => ({ name, value }))]);
					const parts = parseMultipart(built.body, built.boundary);
					expect(parts).toHaveLength(1 + fields.length);
					expect(parts[0].data.equals(file)).toBe(true);
					expect(parts[0].fileName).toBe(fileName);
					fields.forEach(([name, value], index) => expect([parts[index + 1].name, parts[index + 1].text]).toEqual([name, value]));
				},
			),
			{ numRuns: 200 },
		);
	});
});
