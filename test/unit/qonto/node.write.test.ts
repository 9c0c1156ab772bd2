/**
 * The Qonto node's write operations against the Qonto contract fake: multipart field names and bytes as recorded,
 * idempotency keys (same item → same key, different messages → different keys), the bulk endpoint's 200 with
 * errors[], and files refused before anything is sent.
 */
jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	return { ...actual, sleep: jest.fn(async () => undefined) };
});

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { createHash } from 'node:crypto';

import { QontoFake } from '../../contract-fakes/qonto';
import { ORGANIZATION_ID } from '../../contract-fakes/qontoData';
import { IDEMPOTENCY_NAMESPACES, uuidFromName } from '../../../src/qonto/idempotency';
import { MAX_FILE_NAME_BYTES, QONTO_FILE_ROOM_BYTES } from '../../../src/qonto/room';
import { binaryItem, readFixtureFile, runNode, runNodeExpectingError } from './harness';

const fake = new QontoFake();
let credentials: Record<string, IDataObject>;

beforeAll(async () => {
	await fake.start();
	credentials = { qontoApi: { environment: 'production', login: fake.login, secretKey: fake.secretKey, baseUrl: fake.url } };
});
afterAll(async () => await fake.stop());
beforeEach(() => fake.reset());

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const pdf = readFixtureFile('invoice-1page.pdf');
const jpeg = readFixtureFile('receipt.jpg');

const pdfItem = (json: IDataObject = { messageId: 'wamid.HBgM1', organizationId: ORGANIZATION_ID }): INodeExecutionData =>
	binaryItem(json, pdf, 'Rechnung März.PDF', 'application/octet-stream');
/** A valid-looking PDF (the fixture, padded) of exactly `size` bytes. */
const pdfOfSize = (size: number) => Buffer.concat([pdf, Buffer.alloc(size - pdf.length)]);
/** A name of MAX_FILE_NAME_BYTES and the longest fields with default values: the largest form of the default room. */
const LONGEST_NAME = `${'x'.repeat(MAX_FILE_NAME_BYTES - 4)}.pdf`;
const largestOptions = { options: { source: 'transaction_attachment', meta: '{"integration_type": "whatsapp", "connector": "n8n"}', skipAttachmentMatcher: false } };
const upload = (extra: IDataObject = {}) => ({ resource: 'supplierInvoice', operation: 'upload', binaryPropertyName: 'data', ...extra });
const attach = (transactionId: string, extra: IDataObject = {}) => ({ resource: 'attachment', operation: 'attachToTransaction', transactionId, binaryPropertyName: 'data', ...extra });

describe('Supplier Invoice > Upload', () => {
	it('posts ONE invoice as multipart with exactly the documented field names and the file bytes', async () => {
		const { output } = await runNode({
			items: [pdfItem()],
			parameters: upload({ options: { source: 'integration', meta: '{"integration_type":"whatsapp","connector":"n8n"}', skipAttachmentMatcher: true } }),
			credentials,
		});
		const [request] = fake.requests();
		expect(request).toMatchObject({ method: 'POST', path: '/v2/supplier_invoices/bulk', status: 200 });
		expect(request.headers.authorization).toBe(fake.apiKeyHeader);
		expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=----n8nQontoBoundary[0-9a-f]{32}$/);
		expect(request.parts?.map((part) => part.name)).toEqual([
			'supplier_invoices[][file]',
			'supplier_invoices[][idempotency_key]',
			'source',
			'meta',
			'skip_attachment_matcher',
		]);
		const [file, key, source, meta, skip] = request.parts ?? [];
		expect(file).toMatchObject({ fileName: 'Rechnung März.PDF', contentType: 'application/pdf' });
		expect(file.data.equals(pdf)).toBe(true);
		expect(key.text).toMatch(UUID_V4);
		expect(key.text).toBe(uuidFromName(IDEMPOTENCY_NAMESPACES.supplierInvoiceUpload, `message:wamid.HBgM1|organization:${ORGANIZATION_ID}`));
		expect([source.text, JSON.parse(meta.text), skip.text]).toEqual(['integration', { integration_type: 'whatsapp', connector: 'n8n' }, 'true']);

		const [stored] = fake.supplierInvoices();
		expect(stored).toMatchObject({ idempotencyKey: key.text, skipAttachmentMatcher: true, source: 'integration', sha256: expect.any(String) });
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ id: stored.invoice.id, status: 'to_review', idempotency_key: key.text, file_name: 'Rechnung März.PDF' });
		expect(output[0].binary?.data).toBeDefined();
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});

	it('names the file after its real type when the given name lies', async () => {
		await runNode({ items: [binaryItem({ messageId: 'wamid.X' }, jpeg, 'scan.pdf', 'application/pdf')], parameters: upload(), credentials });
		const file = fake.requests({ route: 'supplier_invoices.bulk' })[0].parts?.[0];
		expect(file).toMatchObject({ fileName: 'scan.jpg', contentType: 'image/jpeg' });
	});

	it('turns a 200 answer with errors[] into a real error with Qonto code, detail and pointer', async () => {
		fake.failNextBulkItems(1, 'invalid');
		const { error } = await runNodeExpectingError({ items: [pdfItem()], parameters: upload(), credentials });
		expect(fake.requests()[0].status).toBe(200);
		expect(fake.requests()).toHaveLength(1);
		expect(error.message).toBe('Qonto did not create the supplier invoice: Something went wrong while creating this supplier invoice (invalid) at /data/0');
		expect(error.context).toMatchObject({ reason: 'qonto_supplier_invoice_refused', qontoErrors: [{ code: 'invalid', pointer: '/data/0' }] });
		expect(error.description).toMatch(/answered 200 but refused the invoice/);
		expect(fake.supplierInvoices()).toHaveLength(0);
	});

	it('explains a file Qonto finds too large (errors[] entry "File too large" at /data/0/file)', async () => {
		const small = new QontoFake({ maxBulkFileBytes: 50_000 });
		await small.start();
		try {
			const { error } = await runNodeExpectingError({
				items: [pdfItem()],
				parameters: upload(),
				credentials: { qontoApi: { ...credentials.qontoApi, baseUrl: small.url } },
			});
			expect(error.message).toBe('Qonto did not create the supplier invoice: File too large (invalid) at /data/0/file');
			expect(error.description).toMatch(/too large for Qonto/);
		} finally {
			await small.stop();
		}
	});

	it('retries an item that failed with internal_server_error, with the same idempotency key', async () => {
		fake.failNextBulkItems(1, 'internal_server_error');
		const { output } = await runNode({ items: [pdfItem()], parameters: upload(), credentials });
		const keys = fake.requests().map((request) => request.parts?.find((part) => part.name === 'supplier_invoices[][idempotency_key]')?.text);
		expect(keys).toHaveLength(2);
		expect(keys[0]).toBe(keys[1]);
		expect(output[0].json.id).toBe(fake.supplierInvoices()[0].invoice.id);
	});

	it('emits a failure item with the reason when continueOnFail is on, and goes on with the next item', async () => {
		fake.failNextBulkItems(1, 'invalid');
		const { output } = await runNode({
			items: [pdfItem({ messageId: 'wamid.1', organizationId: ORGANIZATION_ID }), pdfItem({ messageId: 'wamid.2', organizationId: ORGANIZATION_ID })],
			parameters: upload(),
			credentials,
			continueOnFail: true,
		});
		expect(output).toHaveLength(2);
		expect(output[0]).toMatchObject({ json: { error: expect.stringContaining('(invalid) at /data/0'), details: { reason: 'qonto_supplier_invoice_refused' } }, pairedItem: { item: 0 } });
		expect(output[1]).toMatchObject({ json: { status: 'to_review' }, pairedItem: { item: 1 } });
	});

	describe('refuses before sending anything', () => {
		it.each([
			['a GIF', 'animation.gif', 'Qonto only accepts JPEG, PNG or PDF files; this file is GIF'],
			['a HEIC photo', 'receipt.heic', 'Qonto only accepts JPEG, PNG or PDF files; this file is HEIC/HEIF'],
			['a WebP sticker', 'sticker.webp', 'Qonto only accepts JPEG, PNG or PDF files; this file is WebP'],
			['a ZIP', 'archive.zip', 'Qonto only accepts JPEG, PNG or PDF files; this file is ZIP (or an Office document)'],
		])('%s', async (_label, name, message) => {
			const { error } = await runNodeExpectingError({ items: [binaryItem({ messageId: 'wamid.Z' }, readFixtureFile(name), name)], parameters: upload(), credentials });
			expect(error.message).toBe(message);
			expect(error.context.reason).toBe('unsupported_file_type');
			expect(fake.requests()).toHaveLength(0);
		});

		it('a file one byte over the room a 15 MiB request leaves, with the exact limit in the message', async () => {
			const { error } = await runNodeExpectingError({ items: [binaryItem({ messageId: 'wamid.BIG', organizationId: ORGANIZATION_ID }, pdfOfSize(QONTO_FILE_ROOM_BYTES + 1), LONGEST_NAME)], parameters: upload(largestOptions), credentials });
			expect(error.message).toBe(`The file is 15,727,668 bytes, larger than the limit of 15,727,667 bytes for a Qonto upload`);
			expect(error.context).toMatchObject({ reason: 'file_too_large' });
			expect(error.description).toMatch(/15 MB \(15,728,640 bytes\) for the file and the 973 bytes of form around it/);
			expect(fake.requests()).toHaveLength(0);
		});

		it('a file over an explicit Max File Size (14.9 MB, the old default, still works as a stricter limit)', async () => {
			const { error } = await runNodeExpectingError({ items: [binaryItem({ messageId: 'wamid.BIG' }, pdfOfSize(Math.floor(14.9 * 1024 * 1024) + 1), 'big.pdf')], parameters: upload({ options: { maxFileSizeMb: 14.9 } }), credentials });
			expect(error.message).toBe('The file is 15,623,783 bytes, larger than the limit of 15,623,782 bytes for a Qonto upload');
			expect(fake.requests()).toHaveLength(0);
		});

		it('a missing binary field', async () => {
			const { error } = await runNodeExpectingError({ items: [{ json: {} }], parameters: upload(), credentials });
			expect(error.message).toMatch(/binary file 'data'/);
			expect(fake.requests()).toHaveLength(0);
		});
	});
});

describe("Qonto's 15 MB is per request: the file gets what the form leaves", () => {
	it('the room is 15 MiB less the largest form the node builds with default options', () => {
		expect(QONTO_FILE_ROOM_BYTES).toBe(15 * 1024 * 1024 - 973);
	});

	it('uploads a PDF of exactly the room (longest name, longest default fields): the built body is exactly 15 MiB', async () => {
		const { output } = await runNode({ items: [binaryItem({ messageId: 'wamid.ROOM' }, pdfOfSize(QONTO_FILE_ROOM_BYTES), LONGEST_NAME)], parameters: upload(largestOptions), credentials });
		const [request] = fake.requests({ route: 'supplier_invoices.bulk' });
		expect(request.body.length).toBe(15 * 1024 * 1024);
		expect(request.parts?.[0].data.length).toBe(QONTO_FILE_ROOM_BYTES);
		expect(output[0].json).toMatchObject({ status: 'to_review' });
	});

	it('a file name longer than the form allows is shortened, keeping the extension', async () => {
		await runNode({ items: [binaryItem({ messageId: 'wamid.LONG' }, pdf, `${'é'.repeat(200)}.pdf`)], parameters: upload(), credentials });
		const [file] = fake.requests({ route: 'supplier_invoices.bulk' })[0].parts ?? [];
		expect(file.fileName).toBe(`${'é'.repeat(78)}.pdf`);
	});

	it('attaches a PDF of the room size to a transaction (a smaller form), the body under 15 MiB', async () => {
		const transactionId = fake.transactions()[0].id as string;
		await runNode({ items: [binaryItem({ messageId: 'wamid.ROOM' }, pdfOfSize(QONTO_FILE_ROOM_BYTES), LONGEST_NAME)], parameters: attach(transactionId), credentials });
		const [request] = fake.requests({ route: 'transaction_attachments.create' });
		expect(request.status).toBe(200);
		expect(request.body.length).toBeLessThanOrEqual(15 * 1024 * 1024);
	});
});

describe('idempotency keys', () => {
	const keyOf = (index: number) => fake.requests({ route: 'supplier_invoices.bulk' })[index].parts?.find((part) => part.name === 'supplier_invoices[][idempotency_key]')?.text;

	it('the same item uploaded twice (a retried execution) sends the same key, and Qonto keeps one invoice', async () => {
		const first = await runNode({ items: [pdfItem()], parameters: upload(), credentials });
		const second = await runNode({ items: [pdfItem()], parameters: upload(), credentials });
		expect(keyOf(0)).toBe(keyOf(1));
		expect(fake.supplierInvoices()).toHaveLength(1);
		expect(second.output[0].json.id).toBe(first.output[0].json.id);
	});

	it('two different messages with the same file get different keys (and two invoices)', async () => {
		await runNode({ items: [pdfItem({ messageId: 'wamid.ONE', organizationId: ORGANIZATION_ID }), pdfItem({ messageId: 'wamid.TWO', organizationId: ORGANIZATION_ID })], parameters: upload(), credentials });
		expect(keyOf(0)).not.toBe(keyOf(1));
		expect(fake.supplierInvoices()).toHaveLength(2);
	});

	it('the same message for two organizations gets different keys', async () => {
		await runNode({ items: [pdfItem({ messageId: 'wamid.ONE', organizationId: 'org-a' }), pdfItem({ messageId: 'wamid.ONE', organizationId: 'org-b' })], parameters: upload(), credentials });
		expect(keyOf(0)).not.toBe(keyOf(1));
	});

	it('without a message id: from the SHA-256 of the file and the credential organization (read once from Qonto)', async () => {
		await runNode({ items: [binaryItem({}, pdf, 'a.pdf'), binaryItem({}, pdf, 'b.pdf'), binaryItem({}, jpeg, 'c.jpg')], parameters: upload(), credentials });
		expect(fake.requests().map((request) => request.path)).toEqual(['/v2/organization', '/v2/supplier_invoices/bulk', '/v2/supplier_invoices/bulk', '/v2/supplier_invoices/bulk']);
		expect(keyOf(0)).toBe(keyOf(1)); // same bytes: a resend of the same file is the same invoice
		expect(keyOf(0)).not.toBe(keyOf(2));
		const sha = createHash('sha256').update(pdf).digest('hex');
		expect(keyOf(0)).toBe(uuidFromName(IDEMPOTENCY_NAMESPACES.supplierInvoiceUpload, `sha256:${sha}|organization:${ORGANIZATION_ID}`));
	});

	it('a given key is sent as is', async () => {
		await runNode({ items: [pdfItem()], parameters: upload({ idempotencyKey: '0b1d9c5e-6b36-4f0a-9d55-6ea3f1a3c111' }), credentials });
		expect(keyOf(0)).toBe('0b1d9c5e-6b36-4f0a-9d55-6ea3f1a3c111');
	});
});

describe('Supplier Invoice > Get Many', () => {
	it('filters by status and attachment id, pages, and adds amounts in minor units', async () => {
		await runNode({ items: [pdfItem({ messageId: 'wamid.1', organizationId: ORGANIZATION_ID }), pdfItem({ messageId: 'wamid.2', organizationId: ORGANIZATION_ID })], parameters: upload(), credentials });
		const [first] = fake.supplierInvoices();
		fake.updateSupplierInvoice(first.invoice.id, { total_amount: { value: '22.10', currency: 'EUR' }, payable_amount: { value: '1234.5', currency: 'EUR' } });
		fake.clearRequests();
		const { output } = await runNode({
			parameters: { resource: 'supplierInvoice', operation: 'getMany', returnAll: true, filters: { statuses: ['to_review', 'to_approve'], attachmentIds: first.attachmentId } },
			credentials,
		});
		expect(fake.requests()[0].rawUrl).toBe(`/v2/supplier_invoices?filter[status][]=to_review&filter[status][]=to_approve&filter[attachment_id][]=${first.attachmentId}&page=1&per_page=100`);
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ id: first.invoice.id, total_amount_cents: 2210, payable_amount_cents: 123450, currency: 'EUR' });
	});

	it('stops at the limit', async () => {
		await runNode({ items: [1, 2, 3].map((n) => pdfItem({ messageId: `wamid.${n}`, organizationId: ORGANIZATION_ID })), parameters: upload(), credentials });
		fake.clearRequests();
		const { output } = await runNode({ parameters: { resource: 'supplierInvoice', operation: 'getMany', returnAll: false, limit: 2 }, credentials });
		expect(fake.requests()[0].query).toMatchObject({ page: '1', per_page: '2' });
		expect(output).toHaveLength(2);
	});
});

describe('Attachment > Attach to Transaction', () => {
	it('posts one part named "file" with the required X-Qonto-Idempotency-Key', async () => {
		const [transaction] = fake.transactions();
		const { output } = await runNode({ items: [pdfItem()], parameters: attach(transaction.id), credentials });
		const [request] = fake.requests();
		expect(request).toMatchObject({ method: 'POST', path: `/v2/transactions/${transaction.id}/attachments`, status: 200 });
		expect(request.parts?.map((part) => [part.name, part.fileName, part.contentType])).toEqual([['file', 'Rechnung März.PDF', 'application/pdf']]);
		const key = request.headers['x-qonto-idempotency-key'];
		expect(key).toMatch(UUID_V4);
		expect(key).toBe(
			uuidFromName(IDEMPOTENCY_NAMESPACES.transactionAttachment, `message:wamid.HBgM1|organization:${ORGANIZATION_ID}|transaction:${transaction.id}`),
		);
		expect(fake.attachmentsOf(transaction.id)).toHaveLength(1);
		expect(fake.attachmentsOf(transaction.id)[0].bytes.equals(pdf)).toBe(true);
		expect(output[0].json).toMatchObject({ transaction_id: transaction.id, attached: true, idempotency_key: key, file_content_type: 'application/pdf', file_size: pdf.length });
	});

	it('uses a key different from the upload key of the same message, and the same key when run again', async () => {
		const [transaction] = fake.transactions();
		await runNode({ items: [pdfItem()], parameters: upload(), credentials });
		await runNode({ items: [pdfItem()], parameters: attach(transaction.id), credentials });
		await runNode({ items: [pdfItem()], parameters: attach(transaction.id), credentials });
		const uploadKey = fake.requests({ route: 'supplier_invoices.bulk' })[0].parts?.[1].text;
		const attachKeys = fake.requests({ route: 'transaction_attachments.create' }).map((request) => request.headers['x-qonto-idempotency-key']);
		expect(attachKeys[0]).toBe(attachKeys[1]);
		expect(attachKeys[0]).not.toBe(uploadKey);
		expect(fake.attachmentsOf(transaction.id)).toHaveLength(1);
	});

	it('refuses a HEIC photo before sending (convert it to JPEG first)', async () => {
		const [transaction] = fake.transactions();
		const { error } = await runNodeExpectingError({ items: [binaryItem({}, readFixtureFile('receipt.heic'), 'IMG_0001.HEIC')], parameters: attach(transaction.id), credentials });
		expect(error.message).toBe('Qonto only accepts JPEG, PNG or PDF files; this file is HEIC/HEIF');
		expect(error.description).toMatch(/Convert HEIC\/HEIF photos to JPEG/);
		expect(fake.requests()).toHaveLength(0);
	});

	it('reports an unknown transaction (404 with errors as one object) without retrying', async () => {
		const { error } = await runNodeExpectingError({ items: [pdfItem()], parameters: attach('4b2b0f62-0000-4000-8000-000000000000'), credentials });
		expect(fake.requests({ route: 'transaction_attachments.create' })).toHaveLength(1);
		expect(error.message).toBe('Qonto refused the request (HTTP 404): Transaction 4b2b0f62-0000-4000-8000-000000000000 not found (not_found) at id');
	});

	it('requires a transaction id', async () => {
		const { error } = await runNodeExpectingError({ items: [pdfItem()], parameters: attach('  '), credentials });
		expect(error.message).toBe('No Transaction ID given');
		expect(fake.requests()).toHaveLength(0);
	});
});

describe('Attachment > Attach Supplier Invoice', () => {
	const attachStored = (supplierInvoiceId: string, transactionId: string) => ({ resource: 'attachment', operation: 'attachSupplierInvoice', supplierInvoiceId, transactionId });

	it("attaches the stored invoice's own file (fetched through a fresh signed link) with the key Attach to Transaction would use", async () => {
		const [transaction] = fake.transactions();
		const { output: stored } = await runNode({ items: [pdfItem()], parameters: upload(), credentials });
		const supplierInvoiceId = String(stored[0].json.id);
		// Later, without the file: only the message id and the invoice id are known.
		const { output } = await runNode({ items: [{ json: { messageId: 'wamid.HBgM1', organizationId: ORGANIZATION_ID } }], parameters: attachStored(supplierInvoiceId, transaction.id), credentials });
		expect(fake.requests().map((request) => `${request.method} ${request.path.split('?')[0]}`).slice(1)).toEqual([
			`GET /v2/supplier_invoices/${supplierInvoiceId}`,
			expect.stringMatching(/^GET \/v2\/attachments\//),
			expect.stringMatching(/^GET \/files\/attachments\//),
			`POST /v2/transactions/${transaction.id}/attachments`,
		]);
		const attached = fake.attachmentsOf(transaction.id);
		expect(attached).toHaveLength(1);
		expect(attached[0].bytes.equals(pdf)).toBe(true);
		const key = fake.requests({ route: 'transaction_attachments.create' })[0].headers['x-qonto-idempotency-key'];
		expect(key).toBe(uuidFromName(IDEMPOTENCY_NAMESPACES.transactionAttachment, `message:wamid.HBgM1|organization:${ORGANIZATION_ID}|transaction:${transaction.id}`));
		expect(output[0].json).toMatchObject({ transaction_id: transaction.id, supplier_invoice_id: supplierInvoiceId, attached: true, file_size: pdf.length, file_content_type: 'application/pdf' });
	});

	it('attaches nothing twice: the same message and transaction, attached at once and again later, is one attachment', async () => {
		const [transaction] = fake.transactions();
		const { output: stored } = await runNode({ items: [pdfItem()], parameters: upload(), credentials });
		await runNode({ items: [pdfItem()], parameters: attach(transaction.id), credentials });
		await runNode({ items: [{ json: { messageId: 'wamid.HBgM1', organizationId: ORGANIZATION_ID } }], parameters: attachStored(String(stored[0].json.id), transaction.id), credentials });
		expect(fake.attachmentsOf(transaction.id)).toHaveLength(1);
	});

	it('reports an unknown supplier invoice without attaching anything', async () => {
		const [transaction] = fake.transactions();
		const { error } = await runNodeExpectingError({ items: [{ json: {} }], parameters: attachStored('4b2b0f62-0000-4000-8000-000000000001', transaction.id), credentials });
		expect(error.message).toMatch(/HTTP 404/);
		expect(fake.requests({ route: 'transaction_attachments.create' })).toHaveLength(0);
	});
});

describe('Attachment > List for Transaction', () => {
	it('lists the attachments of a transaction', async () => {
		const [transaction] = fake.transactions();
		await runNode({ items: [pdfItem(), binaryItem({ messageId: 'wamid.J', organizationId: ORGANIZATION_ID }, jpeg, 'r.jpg')], parameters: attach(transaction.id), credentials });
		fake.clearRequests();
		const { output } = await runNode({ parameters: { resource: 'attachment', operation: 'listForTransaction', transactionId: transaction.id, returnAll: true }, credentials });
		expect(fake.requests()[0].rawUrl).toBe(`/v2/transactions/${transaction.id}/attachments?page=1&per_page=100`);
		expect(output.map((item) => item.json.file_content_type)).toEqual(['application/pdf', 'image/jpeg']);
		expect(output[0].json.transaction_id).toBe(transaction.id);
	});
});
