import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadFixture, SAMPLE_RECEIPTS_DIR } from './fixtures';
import { MindeeFake } from './mindee';
import { mindeeDispatcherFor, undiciUsedByMindee } from './mindeeDispatcher';
import { parseAmount, parseDayFirstDate } from './mindeeInference';
import { keyPaths, readJson, shapeOf } from './shape';

const MODEL_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const RECEIPT = readFileSync(join(SAMPLE_RECEIPTS_DIR, 'sroie-060.jpg'));

describe('MindeeFake (V2 HTTP contract)', () => {
	const fake = new MindeeFake();
	beforeAll(() => fake.start());
	afterAll(() => fake.stop());
	beforeEach(() => fake.reset());

	const headers = () => ({ authorization: fake.apiKey });
	function enqueue(fields: Record<string, string> = { model_id: MODEL_ID }, file: Buffer | null = RECEIPT, key: string | null = fake.apiKey) {
		const form = new FormData();
		for (const [name, value] of Object.entries(fields)) form.append(name, value);
		if (file) form.append('file', new Blob([file]), 'receipt.jpg');
		return fetch(`${fake.url}/v2/products/extraction/enqueue`, { method: 'POST', headers: key === null ? {} : { authorization: key }, body: form });
	}
	const get = (path: string) => fetch(`${fake.url}${path}`, { headers: headers(), redirect: 'manual' });

	it('enqueues a multipart upload: 202 with a job shaped like ok_processing.json', async () => {
		const response = await enqueue({ model_id: MODEL_ID, alias: 'wa-123' });
		expect(response.status).toBe(202);
		const { job } = await readJson(response);
		expect(keyPaths({ job })).toEqual(keyPaths(loadFixture('mindee/v2/job/ok_processing.json')));
		expect(job).toMatchObject({ model_id: MODEL_ID, filename: 'receipt.jpg', alias: 'wa-123', status: 'Processing', result_url: null, error: null });
		expect(job.polling_url).toBe(`https://api-v2.mindee.net/v2/jobs/${job.id}`);
		expect(fake.job(job.id)?.fields).toEqual({ model_id: MODEL_ID, alias: 'wa-123' });
	});

	it('polls Processing, then 302 Processed with an https result_url, then serves the inference', async () => {
		const { job } = await readJson(await enqueue());
		const processing = await get(`/v2/jobs/${job.id}`);
		expect(processing.status).toBe(200);
		expect((await readJson(processing)).job.status).toBe('Processing');
		const done = await get(`/v2/jobs/${job.id}`);
		expect(done.status).toBe(302);
		const processed = (await readJson(done)).job;
		expect(keyPaths({ job: processed })).toEqual(keyPaths(loadFixture('mindee/v2/job/ok_processed_webhooks_ok.json')).filter((path) => !path.startsWith('job.webhooks[]')));
		expect(processed.result_url).toBe(`https://api-v2.mindee.net/v2/inferences/${job.id}`);
		expect(done.headers.get('location')).toBe(processed.result_url);
		const result = await get(new URL(processed.result_url).pathname);
		const inference = await readJson(result);
		const fixture = loadFixture('mindee/v2/extraction/complete.json');
		expect(shapeOf(inference)).toEqual(shapeOf(fixture));
		expect(inference.inference.result).toEqual(fixture.inference.result);
		expect(inference.inference).toMatchObject({ id: job.id, job: { id: job.id }, model: { id: MODEL_ID }, file: { name: 'receipt.jpg', mime_type: 'image/jpeg' } });
	});

	it('answers a registered sample receipt with its ground truth, in the V2 field shape', async () => {
		fake.registerSampleReceipts();
		const { job } = await readJson(await enqueue({ model_id: MODEL_ID, confidence: 'true' }));
		await get(`/v2/jobs/${job.id}`);
		await get(`/v2/jobs/${job.id}`);
		const { inference } = await readJson(await get(`/v2/inferences/${job.id}`));
		const fields = inference.result.fields;
		expect(keyPaths(fields)).toEqual(keyPaths(loadFixture('mindee/v2/extraction/blank.json').inference.result.fields));
		expect(fields.supplier_name).toEqual({ locations: [], confidence: 'High', value: 'BENS INDEPENDENT GROCER SDN. BHD' });
		expect(fields.date.value).toBe('2018-03-12');
		expect(fields.total_amount.value).toBe(77.2);
		expect(fields.locale.fields.currency.value).toBe('MYR');
		expect(inference.active_options.confidence).toBe(true);
	});

	it('refuses a missing or wrong key with the documented 401 bodies', async () => {
		const missing = await enqueue(undefined, RECEIPT, null);
		expect(missing.status).toBe(401);
		expect(await readJson(missing)).toEqual(loadFixture('mindee/v2/errors/error_401_missing_credentials.json'));
		const wrong = await enqueue(undefined, RECEIPT, 'Token nope');
		expect(wrong.status).toBe(401);
		expect(await readJson(wrong)).toEqual(loadFixture('mindee/v2/errors/error_401_invalid_api_key.json'));
	});

	it('answers 422 for a missing model_id or file', async () => {
		const response = await enqueue({}, null);
		expect(response.status).toBe(422);
		const body = await readJson(response);
		expect(shapeOf({ ...body, errors: [] })).toEqual(shapeOf(loadFixture('mindee/v2/errors/error_401_invalid_api_key.json')));
		expect(body.errors.map((error: { pointer: string }) => error.pointer)).toEqual(['#/model_id', '#/file']);
	});

	it('fails a job like fail_422.json when the model id is not a UUID', async () => {
		const { job } = await readJson(await enqueue({ model_id: 'not-a-uuid', alias: 'a.jpg' }));
		await get(`/v2/jobs/${job.id}`);
		const failed = await readJson(await get(`/v2/jobs/${job.id}`));
		const fixture = loadFixture('mindee/v2/job/fail_422.json');
		expect(shapeOf(failed)).toEqual(shapeOf(fixture));
		expect(failed.job.error).toEqual(fixture.job.error);
		expect((await get(`/v2/inferences/${job.id}`)).status).toBe(404);
	});

	it('can keep a job processing forever', async () => {
		fake.queueOutcomes({ kind: 'neverFinishes' });
		const { job } = await readJson(await enqueue());
		for (let poll = 0; poll < 5; poll++) expect((await get(`/v2/jobs/${job.id}`)).status).toBe(200);
	});

	it('answers injected 429 (with Retry-After) and 5xx with the V2 error object', async () => {
		fake.failNext('v2.enqueue', 429, { retryAfter: 5 });
		fake.failNext('v2.job', 503);
		const limited = await enqueue();
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('5');
		expect(await readJson(limited)).toEqual({ status: 429, title: 'Too Many Requests', detail: 'Too Many Requests', code: '429-001', errors: [] });
		const { job } = await readJson(await enqueue());
		expect((await get(`/v2/jobs/${job.id}`)).status).toBe(503);
		expect((await get(`/v2/jobs/${job.id}`)).status).toBe(200);
	});

	it('serves the V1 receipt endpoint (Token auth, v1 envelopes) as a small extra', async () => {
		const form = new FormData();
		form.append('document', new Blob([RECEIPT]), 'receipt.jpg');
		const path = `${fake.url}/v1/products/mindee/expense_receipts/v5/predict`;
		const ok = await fetch(path, { method: 'POST', headers: { authorization: `Token ${fake.v1ApiKey}` }, body: form });
		expect(ok.status).toBe(201);
		expect(shapeOf(await readJson(ok))).toEqual(shapeOf(loadFixture('mindee/v1/receipt_v5/complete.json')));
		const denied = await fetch(path, { method: 'POST', headers: { authorization: 'Token nope' }, body: form });
		expect(denied.status).toBe(401);
		expect((await readJson(denied)).api_request.error.details).toBe('Invalid token provided');
		fake.failNext('v1.predict', 429);
		expect(await readJson(await fetch(path, { method: 'POST', headers: { authorization: `Token ${fake.v1ApiKey}` }, body: form }))).toMatchObject({ api_request: { status_code: 429, error: { code: 'TooManyRequests' } } });
	});
});

describe('ground-truth conversion', () => {
	it.each([
		['12/03/18', '2018-03-12'],
		['17-02-18', '2018-02-17'],
		['19/10/2017', '2017-10-19'],
		['5.1.2019', '2019-01-05'],
		['25 Dec 2018', '2018-12-25'],
		['2019-11-02', '2019-11-02'],
		['31/02/18', null],
		['soon', null],
	])('reads %s as %s', (text, expected) => expect(parseDayFirstDate(text)).toBe(expected));

	it('reads amounts', () => {
		expect(parseAmount('77.20')).toBe(77.2);
		expect(parseAmount('RM 1,234.50')).toBe(1234.5);
		expect(parseAmount('6,85')).toBe(6.85);
		expect(parseAmount('')).toBeNull();
	});
});

describe('the official mindee SDK against the fake', () => {
	const fake = new MindeeFake({ registerSampleReceipts: true });
	let dispatcher: ReturnType<typeof mindeeDispatcherFor>;
	let mindee: typeof import('mindee');
	const polling = { initialDelaySec: 1, delaySec: 1, maxRetries: 3 };

	beforeAll(async () => {
		await fake.start();
		mindee = await import('mindee');
		dispatcher = mindeeDispatcherFor(fake.url);
	});
	afterAll(async () => {
		await dispatcher.close();
		await fake.stop();
	});
	beforeEach(() => fake.clearInjections());

	const client = (apiKey = fake.apiKey) => new mindee.Client({ apiKey, dispatcher });
	const input = (buffer: Buffer, filename = 'receipt.jpg') => new mindee.BufferInput({ buffer, filename });

	it('uses the undici copy the SDK resolves', () => {
		expect(typeof undiciUsedByMindee().Agent).toBe('function');
	});

	it('enqueues, polls and parses a fixture inference end to end', async () => {
		fake.queueOutcomes({ kind: 'fixture', name: 'complete' });
		const response = await client().enqueueAndGetResult(mindee.product.Extraction, input(RECEIPT), { modelId: MODEL_ID }, polling);
		const fields = response.inference.result.fields;
		expect((fields.get('total_amount') as any).value).toBe(204.75);
		expect((fields.get('supplier_name') as any).value).toBe('John Smith');
		const paths = fake.requests().map((request) => `${request.method} ${request.path.replace(/[0-9a-f-]{36}/, '{id}')} ${request.status}`);
		expect(paths).toEqual(['POST /v2/products/extraction/enqueue 202', 'GET /v2/jobs/{id} 200', 'GET /v2/jobs/{id} 302', 'GET /v2/inferences/{id} 200']);
		expect(fake.lastRequest({ route: 'v2.enqueue' })?.headers.authorization).toBe(fake.apiKey);
	}, 20_000);

	it('reads a sample receipt as its ground truth', async () => {
		const bytes = readFileSync(join(SAMPLE_RECEIPTS_DIR, 'sroie-366.jpg'));
		const response = await client().enqueueAndGetResult(mindee.product.Extraction, input(bytes, 'photo.jpg'), { modelId: MODEL_ID }, polling);
		const fields = response.inference.result.fields;
		expect((fields.get('supplier_name') as any).value).toBe('GARDENIA BAKERIES (KL) SDN BHD');
		expect((fields.get('date') as any).value).toBe('2017-10-19');
		expect((fields.get('total_amount') as any).value).toBe(68.63);
		expect(((fields.get('locale') as any).fields.get('currency') as any).value).toBe('MYR');
	}, 20_000);

	it('surfaces a failed job as MindeeHttpErrorV2 with the job error', async () => {
		fake.queueOutcomes({ kind: 'failed' });
		await expect(client().enqueueAndGetResult(mindee.product.Extraction, input(RECEIPT), { modelId: MODEL_ID }, polling)).rejects.toMatchObject({
			name: 'MindeeHttpErrorV2',
			status: 422,
			code: '422-001',
		});
	}, 20_000);

	it('gives up on a job that never finishes after maxRetries polls', async () => {
		fake.queueOutcomes({ kind: 'neverFinishes' });
		await expect(client().enqueueAndGetResult(mindee.product.Extraction, input(RECEIPT), { modelId: MODEL_ID }, { ...polling, maxRetries: 2 })).rejects.toThrow(/Polling failed/);
	}, 20_000);

	it('surfaces a wrong key and a rate limit as HTTP errors', async () => {
		await expect(client('wrong-key').enqueue(mindee.product.Extraction, input(RECEIPT), { modelId: MODEL_ID })).rejects.toMatchObject({ status: 401, code: '401-001' });
		fake.failNext('v2.enqueue', 429);
		await expect(client().enqueue(mindee.product.Extraction, input(RECEIPT), { modelId: MODEL_ID })).rejects.toMatchObject({ status: 429 });
	});
});

describe('Mindee fake model search (the credential test)', () => {
	const fake = new MindeeFake();
	beforeAll(async () => void (await fake.start()));
	afterAll(async () => await fake.stop());

	it('lists models for the V2 key and answers the documented 401 otherwise', async () => {
		const ok = await fetch(`${fake.url}/v2/search/models`, { headers: { Authorization: fake.apiKey } });
		expect(ok.status).toBe(200);
		expect(await ok.json()).toMatchObject({ models: [{ id: expect.any(String), name: expect.any(String) }], pagination: { page: 1 } });
		const denied = await fetch(`${fake.url}/v2/search/models`, { headers: { Authorization: 'wrong' } });
		expect(denied.status).toBe(401);
		expect(Object.keys(await readJson(denied)).sort()).toEqual(Object.keys(loadFixture<object>('mindee/v2/errors/error_401_invalid_api_key.json')).sort());
	});
});
