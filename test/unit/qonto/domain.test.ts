import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { currencyExponent } from '../../../src/common/money';
import { decimalToMinorUnits, moneyToMinorUnits } from '../../../src/qonto/amounts';
import { assertFileSize, assertRequestSize, fileNameFor, maxBytesFromMb, requireQontoFileType, sniffQontoFileType } from '../../../src/qonto/files';
import { buildMultipartBody, multipartEnvelopeBytes } from '../../../src/qonto/multipart';
import { MAX_FILE_NAME_BYTES, QONTO_FILE_ROOM_BYTES, fileRoomOf, limitInMegabytes } from '../../../src/qonto/room';
import { buildQueryString, pathSegment, withQuery } from '../../../src/qonto/query';
import { apiKeyAuthorization, connectionFromCredentials, connectionHeaders, resolveApiBaseUrl, resolveOAuthUrls } from '../../../src/qonto/settings';
import { interpretBulkUpload, normalizeSupplierInvoice, splitList, supplierInvoiceQuery, supplierInvoiceUploadParts } from '../../../src/qonto/supplierInvoices';
import { accountSelectorFrom, dateWindow, mergeTransactions, normalizeTransaction, transactionQuery } from '../../../src/qonto/transactions';

const QONTO = join(__dirname, '../../fixtures/api/qonto/docs_examples');
const FILES = join(__dirname, '../../fixtures/files');
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(QONTO, name), 'utf8'));

describe('amounts', () => {
	it.each([
		['22.10', 'EUR', 2210],
		['22.1', 'EUR', 2210],
		['22', 'EUR', 2200],
		['10,00', 'EUR', 1000],
		['1 234.50', 'EUR', 123450],
		['1,234.50', 'EUR', 123450],
		['1.234,50', 'EUR', 123450],
		['1,234', 'EUR', 123400],
		['-5.00', 'EUR', -500],
		['0.43', null, 43],
		['1500', 'JPY', 1500],
		['1.234', 'KWD', 1234],
		['22.100', 'EUR', 2210],
		[0.43, 'EUR', 43],
	])('%p %s → %p', (value, currency, cents) => expect(decimalToMinorUnits(value, currency)).toBe(cents));

	it.each([['22.105', 'EUR'], ['abc', 'EUR'], ['', 'EUR'], [null, 'EUR'], ['1.5', 'JPY'], [Infinity, 'EUR']])('%p %s → null', (value, currency) =>
		expect(decimalToMinorUnits(value, currency)).toBeNull(),
	);

	it('reads the supplier-invoice money objects of the docs example', () => {
		const [invoice] = fixture('supplier_invoices_bulk.response.json').supplier_invoices as Array<Record<string, unknown>>;
		expect(moneyToMinorUnits(invoice.total_amount)).toBe(2210);
		expect(moneyToMinorUnits(null)).toBeNull();
		expect(currencyExponent('jpy')).toBe(0);
	});

	it('is exact for every amount written with 2 decimals', () => {
		fc.assert(
			fc.property(fc.integer({ min: -1e12, max: 1e12 }), (cents) => {
				const text = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
				expect(decimalToMinorUnits(text, 'EUR')).toBe(cents);
			}),
		);
	});
});

describe('supplier invoices', () => {
	it('normalises amounts to minor units and a status object to its value', () => {
		const [invoice] = fixture('supplier_invoices_bulk.response.json').supplier_invoices as Array<Record<string, unknown>>;
		const normalized = normalizeSupplierInvoice({ ...invoice, status: { const: 'to_review', description: 'Initial status for invoices.' }, payable_amount: null });
		expect(normalized).toMatchObject({ total_amount: { value: '22.10' }, total_amount_cents: 2210, payable_amount_cents: null, status: 'to_review', currency: 'EUR' });
		expect(normalized.total_tax_amount_cents).toBeUndefined();
	});

	it('turns the bulk answer into the invoice, or into a failure carrying the errors[] entry', () => {
		const created = interpretBulkUpload(fixture('supplier_invoices_bulk.response.json'));
		expect(created.ok && created.invoice.id).toBe('4d5418bb-bd0d-4df4-865c-c07afab8bb48');
		const failed = interpretBulkUpload(fixture('supplier_invoices_bulk.error_item.example.json'), 'trace-9');
		expect(failed.ok).toBe(false);
		if (failed.ok) return;
		expect(failed.failure).toMatchObject({
			reason: 'qonto_supplier_invoice_refused',
			httpStatus: 200,
			message: 'Qonto did not create the supplier invoice: File too large (invalid_file) at /data/0/file',
			traceId: 'trace-9',
			retryable: false,
			errors: [{ code: 'invalid_file', detail: 'File too large', pointer: '/data/0/file' }],
		});
		expect(failed.failure.hint).toMatch(/too large/);
	});

	it('retries only internal_server_error items; an empty answer is not a success', () => {
		const retry = interpretBulkUpload({ supplier_invoices: [], errors: [{ code: 'internal_server_error', detail: 'x', source: { pointer: '/data/0' } }] });
		expect(!retry.ok && retry.failure.retryable).toBe(true);
		const missingKey = interpretBulkUpload({ errors: [{ code: 'required', detail: 'idempotency_key is required', source: { pointer: '/data/0/idempotency_key' } }] });
		expect(!missingKey.ok && missingKey.failure.hint).toMatch(/idempotency key/);
		const empty = interpretBulkUpload({ supplier_invoices: [], errors: [] });
		expect(!empty.ok && empty.failure.reason).toBe('qonto_unexpected_response');
		expect(interpretBulkUpload(null).ok).toBe(false);
	});

	it('builds the list filters with filter[...][] arrays', () => {
		expect(buildQueryString(supplierInvoiceQuery({ statuses: ['to_review'], attachmentIds: ['a', 'b'], createdAtFrom: '2026-01-01T00:00:00Z', matchedTransactions: false, sortBy: 'created_at:desc' }))).toBe(
			'filter[status][]=to_review&filter[attachment_id][]=a&filter[attachment_id][]=b&filter[created_at_from]=2026-01-01T00%3A00%3A00Z&filter[matched_transactions]=false&sort_by=created_at%3Adesc',
		);
		expect(splitList('a, b;c\nd')).toEqual(['a', 'b', 'c', 'd']);
		expect(splitList('FR76 3000 6000')).toEqual(['FR76 3000 6000']);
	});
});

describe('query strings', () => {
	it('repeats arrays as key[] and leaves out empty values', () => {
		expect(buildQueryString({ status: ['completed', 'pending'], side: undefined, q: '', with_attachments: false, page: 2, 'includes[]': ['labels'] })).toBe(
			'status[]=completed&status[]=pending&with_attachments=false&page=2&includes[]=labels',
		);
		expect(withQuery('/v2/x', {})).toBe('/v2/x');
		expect(withQuery('/v2/x?a=1', { b: 'c d' })).toBe('/v2/x?a=1&b=c%20d');
		expect(pathSegment(' a/b ')).toBe('a%2Fb');
	});
});

describe('transactions', () => {
	it('queries by bank_account_id or iban with the filters', () => {
		expect(
			buildQueryString(
				transactionQuery(
					{ bankAccountId: 'acc-1' },
					{ statuses: ['completed', 'pending'], side: 'debit', emittedAtFrom: '2026-03-07T00:00:00.000Z', withAttachments: true, includes: ['attachments'], sortBy: 'emitted_at:desc' },
				),
			),
		).toBe('bank_account_id=acc-1&status[]=completed&status[]=pending&side=debit&emitted_at_from=2026-03-07T00%3A00%3A00.000Z&with_attachments=true&includes[]=attachments&sort_by=emitted_at%3Adesc');
		expect(transactionQuery({ iban: 'FR7610004000000112345678901' }, {})).toMatchObject({ iban: 'FR7610004000000112345678901' });
		expect(accountSelectorFrom(' fr76 1000 4000 0001 1234 5678 901 ')).toEqual({ iban: 'FR7610004000000112345678901' });
		expect(accountSelectorFrom('3c90c3cc-0d44-4b50-8888-8dd25736052a')).toEqual({ bankAccountId: '3c90c3cc-0d44-4b50-8888-8dd25736052a' });
	});

	it('windows a date from the start of the first day to the end of the last, in UTC', () => {
		expect(dateWindow('2026-03-10', 3, 35)).toEqual({ from: '2026-03-07T00:00:00.000Z', to: '2026-04-14T23:59:59.999Z' });
		expect(dateWindow('2026-03-10T23:30:00+01:00', 0, 0)).toEqual({ from: '2026-03-10T00:00:00.000Z', to: '2026-03-10T23:59:59.999Z' });
		expect(dateWindow(new Date('2026-02-28T12:00:00Z'), 1, 1)).toEqual({ from: '2026-02-27T00:00:00.000Z', to: '2026-03-01T23:59:59.999Z' });
		expect(dateWindow({ toISO: () => '2024-02-29T08:00:00.000+01:00' }, 0, 1).to).toBe('2024-03-01T23:59:59.999Z');
		expect(() => dateWindow('2026-02-31', 1, 1)).toThrow('"2026-02-31" is not a date');
		expect(() => dateWindow('', 1, 1)).toThrow(/is not a date/);
	});

	it('merges accounts in Qonto\'s order with missing dates last and ties by id, then limits', () => {
		const a = [
			{ id: 'a1', settled_at: '2026-03-02T00:00:00Z' },
			{ id: 'a2', settled_at: null },
		];
		const b = [
			{ id: 'b1', settled_at: '2026-03-03T00:00:00Z' },
			{ id: 'b0', settled_at: '2026-03-02T00:00:00Z' },
		];
		expect(mergeTransactions([a, b], 'settled_at:desc').map((t) => t.id)).toEqual(['b1', 'a1', 'b0', 'a2']);
		expect(mergeTransactions([a, b], 'settled_at:asc', 2).map((t) => t.id)).toEqual(['a1', 'b0']);
		expect(mergeTransactions([b], 'settled_at:asc').map((t) => t.id)).toEqual(['b1', 'b0']); // one account: Qonto's order kept
	});

	it('fills amount_cents only when Qonto left it out', () => {
		const [docs] = fixture('transactions_list.response.json').transactions as Array<Record<string, unknown>>;
		expect(normalizeTransaction(docs)).toBe(docs);
		expect(normalizeTransaction({ id: 'x', amount: '10,00', currency: 'EUR', local_amount: 12.5, local_currency: 'USD' })).toMatchObject({ amount_cents: 1000, local_amount_cents: 1250 });
	});
});

describe('files', () => {
	const read = (name: string) => readFileSync(join(FILES, name));

	it('sniffs JPEG, PNG and PDF from the bytes, whatever the name', () => {
		expect(sniffQontoFileType(read('receipt.jpg'))?.kind).toBe('jpeg');
		expect(sniffQontoFileType(read('receipt.png'))?.kind).toBe('png');
		expect(sniffQontoFileType(read('invoice-1page.pdf'))?.kind).toBe('pdf');
		expect(sniffQontoFileType(read('pdf-renamed.heic'))?.kind).toBe('pdf');
		expect(sniffQontoFileType(read('gif-renamed.jpg'))).toBeNull();
		expect(sniffQontoFileType(Buffer.alloc(0))).toBeNull();
	});

	it.each([
		['receipt.heic', 'HEIC/HEIF'],
		['receipt.avif', 'MP4/MOV'],
		['sticker.webp', 'WebP'],
		['animation.gif', 'GIF'],
		['archive.zip', 'ZIP (or an Office document)'],
		['invoice.docx', 'ZIP (or an Office document)'],
		['notes.txt', 'an unrecognised format'],
		['empty.jpg', 'an empty file'],
	])('refuses %s as %s', (name, format) => {
		expect(() => requireQontoFileType(read(name))).toThrow(`Qonto only accepts JPEG, PNG or PDF files; this file is ${format}`);
	});

	it('checks sizes in MB of 1024 × 1024 bytes', () => {
		// No Max File Size (empty or 0): only Qonto's own request limit; the old default 14.9 stays a stricter limit when set.
		expect(maxBytesFromMb(undefined)).toBeNull();
		expect(maxBytesFromMb(0)).toBeNull();
		expect(maxBytesFromMb(14.9)).toBe(Math.floor(14.9 * 1024 * 1024));
		expect(maxBytesFromMb(10)).toBe(10 * 1024 * 1024);
		expect(() => assertFileSize(10 * 1024 * 1024 + 1, 10 * 1024 * 1024)).toThrow('The file is 10,485,761 bytes, larger than the limit of 10,485,760 bytes for a Qonto upload');
		expect(() => assertFileSize(20 * 1024 * 1024, 10 * 1024 * 1024)).toThrow('The file is 20 MB, larger than the limit of 10 MB for a Qonto upload');
		expect(() => assertFileSize(100, 100)).not.toThrow();
	});

	it("refuses a request over Qonto's 15 MiB, naming the room the form leaves for the file", () => {
		const request = 15 * 1024 * 1024;
		expect(() => assertRequestSize(request, request - 500)).not.toThrow();
		expect(() => assertRequestSize(request + 1, request - 499)).toThrow('The file is 15,728,141 bytes, larger than the limit of 15,728,140 bytes for a Qonto upload');
		expect(() => assertRequestSize(20 * 1024 * 1024, 20 * 1024 * 1024 - 500)).toThrow('The file is 20 MB, larger than the limit of 14.9 MB for a Qonto upload');
	});

	it('keeps the given name, fixing the extension and removing paths', () => {
		const jpeg = { kind: 'jpeg' as const, mimeType: 'image/jpeg', extension: 'jpg' };
		const pdf = { kind: 'pdf' as const, mimeType: 'application/pdf', extension: 'pdf' };
		expect(fileNameFor(pdf, 'Rechnung März.PDF')).toBe('Rechnung März.PDF');
		expect(fileNameFor(jpeg, 'photo.jpeg')).toBe('photo.jpeg');
		expect(fileNameFor(jpeg, 'IMG_0001.HEIC')).toBe('IMG_0001.jpg');
		expect(fileNameFor(pdf, '../../etc/passwd')).toBe('passwd.pdf');
		expect(fileNameFor(pdf, '')).toBe('document.pdf');
		expect(fileNameFor(pdf, undefined, 'wamid.X')).toBe('wamid.X.pdf');
		// Cut to MAX_FILE_NAME_BYTES as written in the form (UTF-8, " as %22), by whole characters, extension kept.
		expect(fileNameFor(pdf, `${'a'.repeat(300)}.PDF`)).toBe(`${'a'.repeat(MAX_FILE_NAME_BYTES - 4)}.PDF`);
		expect(Buffer.byteLength(fileNameFor(jpeg, `${'"€'.repeat(100)}.heic`).replace(/"/g, '%22'))).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
		expect(fileNameFor(jpeg, `${'😀'.repeat(100)}.jpg`)).toBe(`${'😀'.repeat(39)}.jpg`);
	});

	it('computes the form around a file exactly (files emptied), and the room it leaves in 15 MiB', () => {
		const parts = supplierInvoiceUploadParts({ file: Buffer.alloc(12_345), fileName: 'reçu "1".jpg', contentType: 'image/jpeg', idempotencyKey: 'k', source: 'integration', meta: { a: 1 }, skipAttachmentMatcher: true });
		const envelope = multipartEnvelopeBytes(parts);
		expect(buildMultipartBody(parts).body.length).toBe(envelope + 12_345);
		expect(fileRoomOf(parts)).toBe(15 * 1024 * 1024 - envelope);
		expect(limitInMegabytes(QONTO_FILE_ROOM_BYTES)).toBe(14.9);
		expect(limitInMegabytes(15 * 1024 * 1024)).toBe(15);
	});
});

describe('settings', () => {
	it('resolves base URLs per environment unless overridden', () => {
		expect(resolveApiBaseUrl('production')).toBe('https://thirdparty.qonto.com');
		expect(resolveApiBaseUrl('sandbox', '  ')).toBe('https://thirdparty-sandbox.staging.qonto.co');
		expect(resolveApiBaseUrl('sandbox', 'http://127.0.0.1:9999//')).toBe('http://127.0.0.1:9999');
		expect(resolveOAuthUrls('production')).toEqual({ authUrl: 'https://oauth.qonto.com/oauth2/auth', accessTokenUrl: 'https://oauth.qonto.com/oauth2/token' });
		expect(resolveOAuthUrls('sandbox')).toEqual({ authUrl: 'https://oauth-sandbox.staging.qonto.co/oauth2/auth', accessTokenUrl: 'https://oauth-sandbox.staging.qonto.co/oauth2/token' });
	});

	it('sends the staging token in the sandbox only', () => {
		expect(connectionHeaders(connectionFromCredentials({ environment: 'sandbox', stagingToken: ' st ' }))).toEqual({ Accept: 'application/json', 'X-Qonto-Staging-Token': 'st' });
		expect(connectionHeaders(connectionFromCredentials({ environment: 'production', stagingToken: 'st' }))).toEqual({ Accept: 'application/json' });
		expect(connectionFromCredentials({})).toEqual({ environment: 'production', baseUrl: 'https://thirdparty.qonto.com', stagingToken: null });
	});

	it('formats the API key header as login:secret', () => {
		expect(apiKeyAuthorization(' acme-sas-1234 ', 'secret ')).toBe('acme-sas-1234:secret');
	});
});
