import { startAllFakes } from './index';
import { boundaryFrom, parseMultipart } from './multipart';
import { ContractFake, type FakeResponse, type RecordedRequest } from './server';

/** The smallest concrete fake: one echo route, a recognisable error body. */
class EchoFake extends ContractFake<'echo'> {
	constructor() {
		super();
		this.route('echo', 'POST', '/echo/:id', ({ params, request }) => ({ status: 200, json: { id: params.id, method: request.method } }));
	}

	protected errorResponse(status: number): FakeResponse {
		return { status, json: { error: `injected ${status}` } };
	}

	protected notFound(): FakeResponse {
		return { status: 404, json: { error: 'no route' } };
	}
}

async function encode(form: FormData): Promise<{ body: Buffer; contentType: string }> {
	const response = new Response(form);
	return { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') ?? '' };
}

describe('multipart parser', () => {
	it('reads fields and files as WHATWG FormData writes them, bytes intact', async () => {
		const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0x80, 0xfe]);
		const form = new FormData();
		form.append('model_id', 'abc');
		form.append('file', new Blob([bytes], { type: 'image/jpeg' }), 'reçu "mars".jpg');
		form.append('supplier_invoices[][idempotency_key]', 'k-1');
		const { body, contentType } = await encode(form);
		const parts = parseMultipart(body, boundaryFrom(contentType) as string);
		expect(parts.map((part) => part.name)).toEqual(['model_id', 'file', 'supplier_invoices[][idempotency_key]']);
		expect(parts[0]).toMatchObject({ text: 'abc' });
		expect(parts[0].fileName).toBeUndefined();
		expect(parts[1]).toMatchObject({ fileName: 'reçu "mars".jpg', contentType: 'image/jpeg' });
		expect(parts[1].data.equals(bytes)).toBe(true);
		expect(parts[2].text).toBe('k-1');
	});

	it('takes quoted boundaries, RFC 5987 file names and rejects unterminated bodies', () => {
		expect(boundaryFrom('multipart/form-data; boundary="a b"')).toBe('a b');
		expect(boundaryFrom('application/json')).toBeNull();
		const body = Buffer.from('--x\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8\'\'na%C3%AFve.pdf\r\n\r\n%PDF-1\r\n--x--\r\n');
		expect(parseMultipart(body, 'x')[0]).toMatchObject({ name: 'file', fileName: 'naïve.pdf', text: '%PDF-1' });
		expect(() => parseMultipart(Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'), 'x')).toThrow(/not closed/);
	});
});

describe('ContractFake base', () => {
	const fake = new EchoFake();
	beforeAll(() => fake.start());
	afterAll(() => fake.stop());
	beforeEach(() => fake.reset());

	const post = (path: string, init: RequestInit = {}) => fetch(`${fake.url}${path}`, { method: 'POST', ...init });

	it('listens on 127.0.0.1 and records method, path, query, lower-case headers, raw and parsed bodies', async () => {
		expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		await post('/echo/1?status[]=a&status[]=b&page=2', { headers: { 'X-Custom': 'Yes', 'content-type': 'application/json' }, body: '{"a":1}' });
		await post('/echo/2', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&x=1' });
		const [json, form] = fake.requests({ route: 'echo' });
		expect(json).toMatchObject({ method: 'POST', path: '/echo/1', query: { 'status[]': ['a', 'b'], page: '2' }, json: { a: 1 }, status: 200 });
		expect(json.headers['x-custom']).toBe('Yes');
		expect(json.body.toString()).toBe('{"a":1}');
		expect(json.timestamp).toBeGreaterThan(0);
		expect(form.form).toEqual({ grant_type: 'refresh_token', x: '1' });
		expect(fake.requests((request: RecordedRequest) => request.path === '/echo/2')).toHaveLength(1);
	});

	it('answers an injected status N times, with Retry-After when asked, then goes back to normal', async () => {
		fake.failNext('echo', 429, { times: 2, retryAfter: 3 });
		const first = await post('/echo/1');
		expect(first.status).toBe(429);
		expect(first.headers.get('retry-after')).toBe('3');
		expect(await first.json()).toEqual({ error: 'injected 429' });
		expect((await post('/echo/1')).status).toBe(429);
		expect((await post('/echo/1')).status).toBe(200);
		expect(fake.requests().map((request) => request.injected)).toEqual(['status', 'status', undefined]);
	});

	it('only fails the requests selected by `when`, and `*` covers every route', async () => {
		fake.failNext('*', 503, { when: (request) => request.path === '/echo/b' });
		expect((await post('/echo/a')).status).toBe(200);
		expect((await post('/echo/b')).status).toBe(503);
		expect((await post('/echo/b')).status).toBe(200);
	});

	it('delays, hangs until the client gives up, and drops connections', async () => {
		fake.delayNext('echo', 150);
		const started = Date.now();
		expect((await post('/echo/1')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);

		fake.hangNext('echo');
		await expect(post('/echo/1', { signal: AbortSignal.timeout(200) })).rejects.toThrow();
		fake.dropNext('echo');
		await expect(post('/echo/1')).rejects.toThrow();
		expect((await post('/echo/1')).status).toBe(200);
	});

	it('answers unknown paths with the service 404', async () => {
		const response = await fetch(`${fake.url}/nowhere`);
		expect(response.status).toBe(404);
		expect(fake.lastRequest()?.route).toBeNull();
	});
});

describe('startAllFakes', () => {
	it('starts the three fakes on free ports with the sample receipts registered, and stops them', async () => {
		const fakes = await startAllFakes();
		try {
			expect(new Set(Object.values(fakes.urls)).size).toBe(3);
			expect(fakes.mindee.sampleReceipts().length).toBeGreaterThanOrEqual(6);
			const organization = await fetch(`${fakes.urls.qonto}/v2/organization`, { headers: { authorization: `${fakes.credentials.qonto.login}:${fakes.credentials.qonto.secretKey}` } });
			expect(organization.status).toBe(200);
		} finally {
			await fakes.stop();
		}
		await expect(fetch(`${fakes.urls.qonto}/v2/organization`)).rejects.toThrow();
	});
});
