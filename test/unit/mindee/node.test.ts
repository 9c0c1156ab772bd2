/**
 * The node end to end through the real mindee SDK against the Mindee contract fake (plain http on 127.0.0.1, reached
 * through the node's own origin-rewriting dispatcher, i.e. only the credential's base URL points it there).
 * Time is virtual: the node's `sleep` (n8n-workflow's) records the delay and moves a fake `Date` on by it, so the
 * polling, the backoff and the time limit are checked by their delays and counts, without waiting real seconds.
 */
jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	return { ...actual, sleep: jest.fn(async (ms: number) => void jest.setSystemTime(Date.now() + ms)) };
});

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { MindeeInvoiceExtract } from '../../../nodes/MindeeInvoiceExtract/MindeeInvoiceExtract.node';
import { MindeeFake, partNamed } from '../../contract-fakes';
import { executeContext, fileItem, fixtureBytes } from './context';

const MODEL_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const RECEIPT = { path: 'samples/receipts/sroie-060.jpg', fileName: 'receipt.heif', mimeType: 'image/heif' }; // a JPEG under a wrong name
const HEIC = { path: 'files/receipt.heic', fileName: 'IMG_0042.HEIF', mimeType: 'image/heif' };
const DEFAULTS: IDataObject = { binaryPropertyName: 'data', modelId: '', pollingTimeout: 30, options: {} };

const sleepMock = sleep as jest.MockedFunction<typeof sleep>;
const sleeps = () => sleepMock.mock.calls.map(([ms]) => ms);

/** Only `Date` is faked (frozen unless a sleep moves it): sockets and the SDK keep their real timers. */
const REAL_TIMERS = ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] as const;

describe('Mindee Invoice Extract node against the Mindee contract fake, through the SDK', () => {
	const fake = new MindeeFake({ registerSampleReceipts: true });
	const node = new MindeeInvoiceExtract();

	beforeAll(async () => void (await fake.start()));
	afterAll(async () => await fake.stop());
	beforeEach(() => {
		jest.useFakeTimers({ doNotFake: [...REAL_TIMERS] });
		sleepMock.mockClear();
		fake.reset();
		fake.registerSampleReceipts();
	});
	afterEach(() => jest.useRealTimers());

	const run = (items: INodeExecutionData[], parameters: IDataObject = {}, options: { apiKey?: string; continueOnFail?: boolean } = {}) =>
		node.execute.call(
			executeContext({
				items,
				parameters: { ...DEFAULTS, ...parameters },
				credentials: { apiKey: options.apiKey ?? fake.apiKey, modelId: MODEL_ID, baseUrl: fake.url },
				continueOnFail: options.continueOnFail,
			}),
		);
	const trail = () => fake.requests().map((request) => `${request.method} ${request.path.replace(/[0-9a-f-]{36}/, '{id}')} ${request.status}`);

	it('extracts a JPEG and a HEIC photo: normalised record under "document", item and file kept, names fixed from the bytes', async () => {
		const items = [fileItem(RECEIPT, { messageId: 'wamid.1' }), fileItem(HEIC, { messageId: 'wamid.2' }, 'original')];
		const context = executeContext({ items, parameters: { ...DEFAULTS, options: { confidence: true } }, credentials: { apiKey: fake.apiKey, modelId: MODEL_ID, baseUrl: fake.url } });
		// The second item's file is in "original", as the Invoice File Check node leaves a HEIC photo.
		context.getNodeParameter.mockImplementation(((name: string, index: number, fallback?: unknown) =>
			name === 'binaryPropertyName' ? (index === 0 ? 'data' : 'original') : ({ ...DEFAULTS, options: { confidence: true } } as IDataObject)[name] ?? fallback) as never);
		fake.outcomeForFile(fixtureBytes(HEIC.path), { kind: 'fixture', name: 'complete' });

		const [[first, second]] = await node.execute.call(context);

		expect(first.json).toEqual({
			messageId: 'wamid.1',
			document: expect.objectContaining({
				supplierName: 'BENS INDEPENDENT GROCER SDN. BHD',
				date: '2018-03-12',
				totalAmountCents: 7720,
				currency: 'MYR',
				documentType: 'receipt',
				documentKind: 'receipt',
				locale: { language: 'en', country: 'MY' },
				confidence: expect.objectContaining({ label: 'High', score: 0.9 }),
				inference: expect.objectContaining({ modelId: MODEL_ID, fileName: 'receipt.jpg' }),
			}),
		});
		expect(first.binary).toBe(items[0].binary);
		expect(first.pairedItem).toEqual({ item: 0 });
		expect(second.json.document).toMatchObject({ supplierName: 'John Smith', totalAmountCents: 20475, currency: 'EUR', inference: { fileName: 'IMG_0042.heic' } });
		expect(second.pairedItem).toEqual({ item: 1 });

		const uploads = fake.requests({ route: 'v2.enqueue' });
		expect(uploads.map((upload) => partNamed(upload, 'file')?.fileName)).toEqual(['receipt.jpg', 'IMG_0042.heic']); // never ".heif" (the SDK refuses it)
		expect(uploads.map((upload) => [partNamed(upload, 'model_id')?.text, partNamed(upload, 'confidence')?.text])).toEqual([
			[MODEL_ID, 'true'],
			[MODEL_ID, 'true'],
		]);
		expect(fake.requests().every((request) => request.headers.authorization === fake.apiKey)).toBe(true);
		expect(trail()).toEqual([
			'POST /v2/products/extraction/enqueue 202',
			'GET /v2/jobs/{id} 200',
			'GET /v2/jobs/{id} 302',
			'GET /v2/inferences/{id} 200',
			'POST /v2/products/extraction/enqueue 202',
			'GET /v2/jobs/{id} 200',
			'GET /v2/jobs/{id} 302',
			'GET /v2/inferences/{id} 200',
		]);
		expect(sleeps()).toEqual([1000, 1000, 1000, 1000]); // per document: 1 s before the first status check, 1 s between checks
	});

	it('401: a configuration error that names the API key, without retrying', async () => {
		const failure = run([fileItem(RECEIPT)], {}, { apiKey: 'not-the-key' });
		await expect(failure).rejects.toBeInstanceOf(NodeApiError);
		const error = (await failure.catch((caught: unknown) => caught)) as NodeApiError;
		expect(error.message).toBe('Mindee refused the API key (HTTP 401 Invalid API key: The provided API key is invalid.)');
		expect(error.description).toMatch(/Check the API key in the Mindee Extraction API credential: it must be a V2 key/);
		expect(error.httpCode).toBe('401');
		expect(error.context).toMatchObject({ reason: 'mindee_unauthorized', itemIndex: 0 });
		expect(trail()).toEqual(['POST /v2/products/extraction/enqueue 401']);
	});

	it('429 on the upload and a proxy 502 on a status check: each call retried on its own, one job, then success', async () => {
		fake.failNext('v2.enqueue', 429, { retryAfter: 3 });
		fake.failNext('v2.job', 502, { body: '<html><body>502 Bad Gateway</body></html>' }); // not a Mindee error body
		const [[item]] = await run([fileItem(RECEIPT)]);
		expect(item.json.document).toMatchObject({ supplierName: 'BENS INDEPENDENT GROCER SDN. BHD', totalAmountCents: 7720 });
		expect(trail()).toEqual([
			'POST /v2/products/extraction/enqueue 429',
			'POST /v2/products/extraction/enqueue 202',
			'GET /v2/jobs/{id} 502',
			'GET /v2/jobs/{id} 200',
			'GET /v2/jobs/{id} 302',
			'GET /v2/inferences/{id} 200',
		]);
		expect(fake.jobs()).toHaveLength(1); // the document was not uploaded twice
		expect(sleeps()).toEqual([3000, 1000, 1000, 1000]); // Retry-After: 3, first check after 1 s, backoff 1 s after the 502, next check 1 s
		const [refused, accepted] = fake.requests({ route: 'v2.enqueue' });
		expect(accepted.timestamp - refused.timestamp).toBe(3000);
	});

	it('a failed job (fail_422.json): a clear error with Mindee\'s detail, or an error item when continuing', async () => {
		fake.queueOutcomes({ kind: 'failed' });
		const failure = run([fileItem(RECEIPT)]);
		await expect(failure).rejects.toBeInstanceOf(NodeOperationError);
		const error = (await failure.catch((caught: unknown) => caught)) as NodeOperationError;
		expect(error.message).toBe('Mindee could not process the document: Invalid fields in form: One or more fields failed validation. (#/model_id: model_id must be a valid UUID format)');
		expect(error.description).toBe(`Check the model ID (${MODEL_ID}) in the credential or the node.`);

		fake.queueOutcomes({ kind: 'failed', error: { status: 422, title: 'Unreadable file', detail: 'The file could not be read.', code: '422-004', errors: [] } });
		const [[item]] = await run([fileItem(RECEIPT, { messageId: 'wamid.3' })], {}, { continueOnFail: true });
		expect(item).toEqual({
			json: {
				error: 'Mindee could not process the document: Unreadable file: The file could not be read.',
				details: expect.objectContaining({ reason: 'mindee_job_failed', mindeeCode: '422-004', httpStatus: 422, hint: expect.stringMatching(/readable receipt or invoice/) }),
			},
			pairedItem: { item: 0 },
		});
	});

	it('a job that never finishes: a timeout error after the configured polling timeout', async () => {
		fake.queueOutcomes({ kind: 'neverFinishes' });
		const started = Date.now();
		const failure = run([fileItem(RECEIPT)], { pollingTimeout: 3 });
		await expect(failure).rejects.toBeInstanceOf(NodeOperationError);
		const error = (await failure.catch((caught: unknown) => caught)) as NodeOperationError;
		const jobId = fake.jobs()[0].id;
		expect(error.message).toBe(`Mindee did not finish the document within 3 seconds (job ${jobId} still "Processing" after 3 status checks)`);
		expect(error.context).toMatchObject({ reason: 'mindee_timeout' });
		expect(sleeps()).toEqual([1000, 1000, 1000]); // checks at 1, 2 and 3 s, then the limit is reached
		expect(Date.now() - started).toBe(3000);
		expect(trail()).toEqual(['POST /v2/products/extraction/enqueue 202', 'GET /v2/jobs/{id} 200', 'GET /v2/jobs/{id} 200', 'GET /v2/jobs/{id} 200']);
	});
});
