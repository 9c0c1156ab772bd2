import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { MindeeExtractionApi } from '../../../credentials/MindeeExtractionApi.credentials';
import { MindeeInvoiceExtract } from '../../../nodes/MindeeInvoiceExtract/MindeeInvoiceExtract.node';
import { openMindeeSession, type ObservedResponse, targetDispatcher, undiciUsedByMindee } from '../../../src/mindee/client';
import { classifyMindeeError } from '../../../src/mindee/errors';
import { checkModelId, mindeeSettings, parseBaseUrl, resultPath } from '../../../src/mindee/settings';
import { mindeeUpload } from '../../../src/mindee/upload';
import { MindeeFake, partNamed } from '../../contract-fakes';
import { fixtureBytes } from './context';

describe('file name sent to Mindee (from the bytes, never .heif)', () => {
	it.each([
		['files/receipt.jpg', 'photo.jpeg', 'photo.jpeg', 'jpeg'],
		['files/receipt.heic', 'IMG_0042.HEIF', 'IMG_0042.heic', 'heic'],
		['files/receipt-mif1.heif', 'scan.heif', 'scan.heic', 'heic'],
		['files/receipt.png', undefined, 'image.png', 'png'],
		['files/invoice-1page.pdf', 'Invoice 2024.03', 'Invoice 2024.03.pdf', 'pdf'],
		['files/pdf-renamed.heic', 'facture.heic', 'facture.pdf', 'pdf'],
		['files/sticker.webp', 'sticker.webp', 'sticker.webp', 'webp'],
	])('%s named %p → %p', (path, declared, fileName, type) => {
		expect(mindeeUpload(fixtureBytes(path), declared)).toEqual({ fileName, type });
	});

	it('accepts TIFF', () => {
		expect(mindeeUpload(Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0, 0, 0]), 'scan.tiff')).toEqual({ fileName: 'scan.tif', type: 'tiff' });
	});

	it.each([
		['files/animation.gif', /it is a GIF file/],
		['files/archive.zip', /it is a ZIP file/],
		['files/notes.txt', /it is a TEXT file/],
	])('refuses %s before uploading', (path, message) => {
		expect(() => mindeeUpload(fixtureBytes(path), 'x')).toThrow(expect.objectContaining({ reason: 'unsupported_file_type', message: expect.stringMatching(message) }));
	});

	it('refuses an empty file', () => {
		expect(() => mindeeUpload(Buffer.alloc(0), 'x.jpg')).toThrow(expect.objectContaining({ reason: 'empty_file' }));
	});
});

describe('credential settings', () => {
	it('parses base URLs: default, plain http stand-in, path prefix', () => {
		expect(parseBaseUrl('')).toEqual({ origin: 'https://api-v2.mindee.net', pathPrefix: '' });
		expect(parseBaseUrl('http://127.0.0.1:8080/')).toEqual({ origin: 'http://127.0.0.1:8080', pathPrefix: '' });
		expect(parseBaseUrl('https://proxy.example.com/mindee/')).toEqual({ origin: 'https://proxy.example.com', pathPrefix: '/mindee' });
		for (const bad of ['api-v2.mindee.net', 'ftp://x', 'https://x/?a=1', 'https://user:pw@x']) {
			expect(() => parseBaseUrl(bad)).toThrow(expect.objectContaining({ reason: 'invalid_base_url' }));
		}
		expect(resultPath('https://api-v2.mindee.net/v2/inferences/abc?x=1')).toBe('/v2/inferences/abc?x=1');
	});

	it('needs an API key (an empty one would let the SDK read MINDEE_V2_API_KEY) and a UUID model ID', () => {
		expect(() => mindeeSettings({ apiKey: ' ', modelId: '', baseUrl: '' })).toThrow(expect.objectContaining({ reason: 'missing_api_key' }));
		expect(mindeeSettings({ apiKey: ' key ', modelId: ' m ', baseUrl: '' })).toEqual({ apiKey: 'key', modelId: 'm', baseUrl: 'https://api-v2.mindee.net' });
		expect(() => checkModelId('')).toThrow(expect.objectContaining({ reason: 'missing_model_id' }));
		expect(() => checkModelId('not-a-uuid')).toThrow(expect.objectContaining({ reason: 'invalid_model_id' }));
		expect(checkModelId(' A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D ')).toBe('A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D');
	});

	it('credential: a distinct name, secrets hidden, tested with GET /v2/search/models and the raw key', () => {
		const credential = new MindeeExtractionApi();
		expect(credential.name).toBe('mindeeExtractionApi');
		expect(['mindeeReceiptApi', 'mindeeInvoiceApi', 'mindeeV2Api']).not.toContain(credential.name);
		expect(credential.displayName).toBe('Mindee Extraction API');
		expect(credential.properties.find((property) => property.name === 'apiKey')?.typeOptions).toEqual({ password: true });
		expect(credential.properties.find((property) => property.name === 'baseUrl')?.default).toBe('https://api-v2.mindee.net');
		expect(credential.authenticate).toEqual({ type: 'generic', properties: { headers: { Authorization: '={{$credentials.apiKey}}' } } });
		expect(credential.test.request).toMatchObject({ method: 'GET', url: '/v2/search/models' });
		expect(new MindeeInvoiceExtract().description.credentials).toEqual([{ name: 'mindeeExtractionApi', required: true }]);
	});
});

describe('classifying what the SDK throws', () => {
	const http = (status: number | undefined) => Object.assign(new Error('x'), { name: 'MindeeHttpErrorV2', status, title: 'T', detail: 'D', code: `${status}-001`, errors: [{ pointer: '#/file', detail: 'bad' }] });
	it.each([
		[http(401), null, 'unauthorized', 401],
		[http(403), null, 'unauthorized', 403],
		[http(429), null, 'rate_limited', 429],
		[http(500), null, 'server', 500],
		[http(422), null, 'rejected', 422],
		[http(undefined), 502, 'server', 502], // HTML body from a proxy: the dispatcher saw the status
		[http(undefined), null, 'unexpected', null],
		['Could not determine the MIME type of the file', null, 'input', null],
		[Object.assign(new Error('Invalid file type'), { name: 'MindeeInputSourceError' }), null, 'input', null],
		[Object.assign(new Error('no key'), { name: 'MindeeConfigurationError' }), null, 'configuration', null],
		[Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), null, 'network', null],
		[Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) }), null, 'network', null],
		[Object.assign(new Error("Couldn't deserialize response object."), { name: 'MindeeDeserializationError' }), 200, 'unexpected', 200],
	])('%p (seen %p) → %s', (error, observed, kind, status) => {
		expect(classifyMindeeError(error, observed)).toMatchObject({ kind, status });
	});

	it('keeps Mindee\'s code, title, detail and pointers', () => {
		expect(classifyMindeeError(http(422))).toMatchObject({ code: '422-001', title: 'T', detail: 'D', errors: [{ pointer: '#/file', detail: 'bad' }] });
	});
});

describe('the dispatcher under the SDK', () => {
	it('is made from the undici copy mindee resolves', () => {
		const sdkDirectory = require.resolve('mindee').replace(/src\/index\.js$/, '');
		expect(require.resolve('undici', { paths: [sdkDirectory] })).toBe(require.resolve('undici'));
		expect(typeof undiciUsedByMindee().Agent).toBe('function');
	});

	it('sends https://api-v2.mindee.net/… to the base URL (origin and path prefix) and notes status and Retry-After', async () => {
		const seen: Array<{ url: string | undefined; headers: IncomingHttpHeaders }> = [];
		const server = createServer((request, response) => {
			seen.push({ url: request.url, headers: request.headers });
			response.writeHead(429, { 'retry-after': '3', 'content-type': 'text/html' }).end('<html>slow down</html>');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		const observed: ObservedResponse = { status: null, retryAfterMs: undefined };
		const undici = undiciUsedByMindee();
		const dispatcher = targetDispatcher(undici, parseBaseUrl(`http://127.0.0.1:${port}/proxy/mindee`), 5000, observed);
		try {
			const response = await undici.request('https://api-v2.mindee.net/v2/jobs/abc', { dispatcher, headers: { authorization: 'k' } });
			expect(response.statusCode).toBe(429);
			expect(await response.body.text()).toBe('<html>slow down</html>');
			expect(seen).toEqual([{ url: '/proxy/mindee/v2/jobs/abc', headers: expect.objectContaining({ host: `127.0.0.1:${port}`, authorization: 'k' }) }]);
			expect(observed).toEqual({ status: 429, retryAfterMs: 3000 });
		} finally {
			await dispatcher.close();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('uses the credential, not the MINDEE_* environment variables the SDK reads', async () => {
		const fake = await new MindeeFake().start();
		const planted: Record<string, string> = { MINDEE_V2_API_KEY: 'key-from-env', MINDEE_V2_API_HOST: 'elsewhere.invalid', MINDEE_REQUEST_TIMEOUT: '1' };
		const saved = Object.fromEntries(Object.keys(planted).map((name) => [name, process.env[name]]));
		Object.assign(process.env, planted);
		const session = await openMindeeSession({ apiKey: fake.apiKey, baseUrl: fake.url });
		try {
			const job = await session.enqueue(fixtureBytes('samples/receipts/sroie-060.jpg'), 'receipt.jpg', { modelId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' });
			expect(job).toMatchObject({ status: 'Processing', resultUrl: null, error: null });
			const upload = fake.lastRequest({ route: 'v2.enqueue' })!;
			expect(upload.headers.authorization).toBe(fake.apiKey);
			expect(upload.headers.host).toBe(new URL(fake.url).host);
			expect(partNamed(upload, 'model_id')?.text).toBe('a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d');
			expect(partNamed(upload, 'confidence')).toBeUndefined(); // not asked: the model's own setting applies
			expect(session.lastResponse()).toEqual({ status: 202, retryAfterMs: undefined });
		} finally {
			for (const [name, value] of Object.entries(saved)) {
				if (value === undefined) delete process.env[name];
				else process.env[name] = value;
			}
			await session.close();
			await fake.stop();
		}
	});
});
