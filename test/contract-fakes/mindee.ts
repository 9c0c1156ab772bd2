/**
 * Mindee stand-in (api-contracts §3.2–3.4): the V2 async flow enqueue → poll job (200 Processing, then 302
 * Processed with an https result_url) → result, answered with the real fixtures or with an inference built from a
 * sample receipt's ground truth; plus the V1 synchronous predict endpoints as a small extra.
 */
import { loadFixture } from './fixtures';
import {
	type ExtractionFixture,
	type InferenceContext,
	inferenceFromFixture,
	inferenceFromObject,
	inferenceFromTruth,
	loadSampleReceipts,
	type ReceiptTruth,
	type SampleReceipt,
} from './mindeeInference';
import type { MultipartPart } from './multipart';
import { ContractFake, type FakeResponse, type FakeServerOptions, partNamed, type RecordedRequest, type RouteContext } from './server';
import { MIME_BY_KIND, newUuid, sha256Hex, sniffKind } from './sniff';

/** The model id the fake lists (any UUID is accepted at enqueue). */
export const MINDEE_DEMO_MODEL_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

export type MindeeRoute = 'v2.enqueue' | 'v2.job' | 'v2.result' | 'v2.models' | 'v1.predict';

export interface MindeeJobError {
	status: number;
	detail: string;
	title: string;
	code: string;
	errors: Array<{ pointer: string; detail: string }>;
}

/** What a job ends with. */
export type MindeeOutcome = (
	| { kind: 'fixture'; name: ExtractionFixture }
	| { kind: 'inference'; inference: unknown }
	| { kind: 'groundTruth'; truth: ReceiptTruth }
	/** Status "Failed" with an error (default: the one in v2/job/fail_422.json). */
	| { kind: 'failed'; error?: MindeeJobError }
	| { kind: 'neverFinishes' }
) & {
	/** Polls answered "Processing" before the end; default the fake's pollsBeforeDone. */
	pollsBeforeDone?: number;
};

export interface MindeeFakeOptions extends FakeServerOptions {
	/** V2 key, sent raw in Authorization. Default 'fake-mindee-v2-key'. */
	apiKey?: string;
	/** V1 key, sent as "Token <key>". Default 'fake-mindee-v1-key'. */
	v1ApiKey?: string;
	/** Default 1: the first poll answers Processing, the next one 302 Processed. */
	pollsBeforeDone?: number;
	/** Origin of polling_url/result_url. Default the real 'https://api-v2.mindee.net' (the SDK insists on https). */
	linkOrigin?: string;
	/** Result path style: '/v2/inferences/{id}' (newest fixtures, default) or '/v2/products/extraction/results/{id}'. */
	resultPath?: 'inferences' | 'products';
	/** Outcome of uploads that match nothing else. Default the complete.json fixture. */
	defaultOutcome?: MindeeOutcome;
	/** Register test/fixtures/samples/receipts at construction. Default false. */
	registerSampleReceipts?: boolean;
}

export interface MindeeJob {
	id: string;
	modelId: string;
	fileName: string;
	alias: string | null;
	bytes?: Buffer;
	sha256?: string;
	mimeType: string;
	/** The url form field, when the client sent a URL instead of a file. */
	sourceUrl?: string;
	outcome: MindeeOutcome;
	polls: number;
	createdAt: string;
	completedAt: string | null;
	activeOptions: InferenceContext['activeOptions'];
	/** The form fields as sent, for assertions. */
	fields: Record<string, string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const V1_PRODUCTS: Record<string, string> = {
	'expense_receipts/v5': 'mindee/v1/receipt_v5/complete.json',
	'invoices/v4': 'mindee/v1/invoice_v4/complete.json',
	'financial_document/v1': 'mindee/v1/financial_document_v1/complete_receipt.json',
};

export class MindeeFake extends ContractFake<MindeeRoute> {
	readonly apiKey: string;
	readonly v1ApiKey: string;
	private jobsById = new Map<string, MindeeJob>();
	private queued: MindeeOutcome[] = [];
	private bySha256 = new Map<string, MindeeOutcome>();
	private samples = new Map<string, SampleReceipt>();
	private defaultOutcome: MindeeOutcome;

	constructor(private readonly options: MindeeFakeOptions = {}) {
		super(options);
		this.apiKey = options.apiKey ?? 'fake-mindee-v2-key';
		this.v1ApiKey = options.v1ApiKey ?? 'fake-mindee-v1-key';
		this.defaultOutcome = options.defaultOutcome ?? { kind: 'fixture', name: 'complete' };
		if (options.registerSampleReceipts) this.registerSampleReceipts();
		this.route('v2.enqueue', 'POST', '/v2/products/extraction/enqueue', (context) => this.enqueue(context));
		this.route('v2.job', 'GET', '/v2/jobs/:jobId', (context) => this.pollJob(context));
		this.route('v2.result', 'GET', '/v2/inferences/:inferenceId', (context) => this.result(context));
		this.route('v2.result', 'GET', '/v2/products/extraction/results/:inferenceId', (context) => this.result(context));
		// The model search n8n's credential test (and model pickers) call with a V2 key.
		this.route('v2.models', 'GET', '/v2/search/models', (context) => this.searchModels(context));
		this.route('v1.predict', 'POST', /^\/v1\/products\/mindee\/(?<product>[a-z_]+\/v\d+)\/predict$/, (context) => this.predictV1(context));
	}

	/** Outcome of uploads that match no queued, per-file or sample outcome. */
	setDefaultOutcome(outcome: MindeeOutcome): void {
		this.defaultOutcome = outcome;
	}

	/** The next uploads get these outcomes, in order, whatever their bytes. */
	queueOutcomes(...outcomes: MindeeOutcome[]): void {
		this.queued.push(...outcomes);
	}

	/** Uploads of exactly these bytes (or this sha256 hex) get this outcome. */
	outcomeForFile(file: Buffer | string, outcome: MindeeOutcome): void {
		this.bySha256.set(typeof file === 'string' ? file.toLowerCase() : sha256Hex(file), outcome);
	}

	/** Uploads of this receipt are answered with an inference built from its ground truth. */
	registerSample(sample: { bytes: Buffer; truth: ReceiptTruth; fileName?: string }): SampleReceipt {
		const registered: SampleReceipt = { fileName: sample.fileName ?? 'receipt.jpg', sha256: sha256Hex(sample.bytes), bytes: sample.bytes, truth: sample.truth };
		this.samples.set(registered.sha256, registered);
		return registered;
	}

	/** Registers every image + ground-truth pair of a directory (default test/fixtures/samples/receipts). */
	registerSampleReceipts(directory?: string): SampleReceipt[] {
		const samples = loadSampleReceipts(directory);
		for (const sample of samples) this.samples.set(sample.sha256, sample);
		return samples;
	}

	sampleReceipts(): SampleReceipt[] {
		return [...this.samples.values()];
	}

	jobs(): MindeeJob[] {
		return [...this.jobsById.values()];
	}

	job(id: string): MindeeJob | undefined {
		return this.jobsById.get(id);
	}

	protected resetState(): void {
		this.jobsById = new Map();
		this.queued = [];
		this.bySha256 = new Map();
		this.defaultOutcome = this.options.defaultOutcome ?? { kind: 'fixture', name: 'complete' };
	}

	protected errorResponse(status: number, route: MindeeRoute, request: RecordedRequest): FakeResponse {
		if (route === 'v1.predict') return v1Error(status, request);
		if (status === 401) return { status, json: loadFixture('mindee/v2/errors/error_401_invalid_api_key.json') };
		return { status, json: v2Error(status, STATUS_TITLES[status] ?? 'Error', STATUS_TITLES[status] ?? `HTTP ${status}`) };
	}

	protected notFound(request: RecordedRequest): FakeResponse {
		return { status: 404, json: v2Error(404, 'Not Found', `No route for ${request.method} ${request.path}`) };
	}

	private authorizeV2(request: RecordedRequest): FakeResponse | undefined {
		const header = request.headers.authorization;
		if (!header) return { status: 401, json: loadFixture('mindee/v2/errors/error_401_missing_credentials.json') };
		if (header !== this.apiKey) return { status: 401, json: loadFixture('mindee/v2/errors/error_401_invalid_api_key.json') };
		return undefined;
	}

	private searchModels({ request }: RouteContext): FakeResponse {
		const denied = this.authorizeV2(request);
		if (denied) return denied;
		const models = [{ id: MINDEE_DEMO_MODEL_ID, name: 'Receipts and invoices', model_type: 'extraction' }];
		return { status: 200, json: { models, pagination: { page: 1, per_page: 50, total_items: models.length, total_pages: 1 } } };
	}

	private enqueue({ request }: RouteContext): FakeResponse {
		const denied = this.authorizeV2(request);
		if (denied) return denied;
		const problems = enqueueProblems(request);
		if (problems.length > 0) return { status: 422, json: { ...v2Error(422, 'Invalid fields in form', 'One or more fields failed validation.'), errors: problems } };
		const job = this.createJob(request);
		this.jobsById.set(job.id, job);
		return { status: 202, json: { job: this.jobBody(job, 'Processing') } };
	}

	private createJob(request: RecordedRequest): MindeeJob {
		const fields = Object.fromEntries((request.parts ?? []).filter((part) => part.fileName === undefined).map((part) => [part.name, part.text]));
		const file = partNamed(request, 'file');
		const bytes = file?.data;
		const modelId = fields.model_id;
		const job: MindeeJob = {
			id: newUuid(),
			modelId,
			fileName: file?.fileName || (fields.url ? (new URL(fields.url, 'https://x.invalid').pathname.split('/').pop() ?? '') : ''),
			alias: fields.alias ?? null,
			bytes,
			sha256: bytes ? sha256Hex(bytes) : undefined,
			mimeType: mimeOf(file),
			sourceUrl: fields.url,
			outcome: { kind: 'fixture', name: 'complete' },
			polls: 0,
			createdAt: mindeeTimestamp(this.clock.now()),
			completedAt: null,
			activeOptions: {
				raw_text: fields.raw_text === 'true',
				rag: fields.rag === 'true',
				polygon: fields.polygon === 'true',
				confidence: fields.confidence === 'true',
				text_context: Boolean(fields.text_context),
			},
			fields,
		};
		job.outcome = UUID.test(modelId) ? this.outcomeFor(job) : { kind: 'failed' }; // like v2/job/fail_422.json
		return job;
	}

	private outcomeFor(job: MindeeJob): MindeeOutcome {
		const queued = this.queued.shift();
		if (queued) return queued;
		const perFile = job.sha256 ? this.bySha256.get(job.sha256) : undefined;
		if (perFile) return perFile;
		const sample = job.sha256 ? this.samples.get(job.sha256) : undefined;
		if (sample) return { kind: 'groundTruth', truth: sample.truth };
		return this.defaultOutcome;
	}

	private pollJob({ request, params }: RouteContext): FakeResponse {
		const denied = this.authorizeV2(request);
		if (denied) return denied;
		const job = this.jobsById.get(params.jobId);
		if (!job) return { status: 404, json: v2Error(404, 'Not Found', `Job ${params.jobId} not found.`) };
		job.polls++;
		const pollsBeforeDone = job.outcome.pollsBeforeDone ?? this.options.pollsBeforeDone ?? 1;
		if (job.outcome.kind === 'neverFinishes' || job.polls <= pollsBeforeDone) return { status: 200, json: { job: this.jobBody(job, 'Processing') } };
		job.completedAt ??= mindeeTimestamp(this.clock.now());
		if (job.outcome.kind === 'failed') return { status: 200, json: { job: this.jobBody(job, 'Failed') } };
		const body = { job: this.jobBody(job, 'Processed') };
		return { status: 302, headers: { location: body.job.result_url as string }, json: body };
	}

	private jobBody(job: MindeeJob, status: 'Processing' | 'Processed' | 'Failed'): Record<string, unknown> {
		const template = loadFixture<{ job: Record<string, unknown> }>(status === 'Failed' ? 'mindee/v2/job/fail_422.json' : 'mindee/v2/job/ok_processing.json').job;
		const origin = (this.options.linkOrigin ?? 'https://api-v2.mindee.net').replace(/\/$/, '');
		const failure = job.outcome.kind === 'failed' ? (job.outcome.error ?? template.error) : null;
		return {
			...template,
			id: job.id,
			model_id: job.modelId,
			filename: job.fileName,
			alias: job.alias,
			created_at: job.createdAt,
			completed_at: status === 'Processing' ? null : job.completedAt,
			status,
			polling_url: `${origin}/v2/jobs/${job.id}`,
			result_url: status === 'Processed' ? `${origin}${this.resultPathFor(job.id)}` : null,
			webhooks: [],
			error: status === 'Failed' ? failure : null,
		};
	}

	private resultPathFor(id: string): string {
		return this.options.resultPath === 'products' ? `/v2/products/extraction/results/${id}` : `/v2/inferences/${id}`;
	}

	private result({ request, params }: RouteContext): FakeResponse {
		const denied = this.authorizeV2(request);
		if (denied) return denied;
		const job = this.jobsById.get(params.inferenceId);
		if (!job || job.completedAt === null || job.outcome.kind === 'failed' || job.outcome.kind === 'neverFinishes') {
			return { status: 404, json: v2Error(404, 'Not Found', `Inference ${params.inferenceId} not found.`) };
		}
		return { status: 200, json: buildInference(job) };
	}

	private predictV1({ request, params }: RouteContext): FakeResponse {
		const header = request.headers.authorization;
		if (!header) return v1Fixture('mindee/v1/errors/error_401_no_token.json', request);
		if (header !== `Token ${this.v1ApiKey}`) return v1Fixture('mindee/v1/errors/error_401_invalid_token.json', request);
		const fixture = V1_PRODUCTS[params.product];
		if (!fixture) return v1Error(404, request);
		const document = partNamed(request, 'document');
		if (!document || document.data.length === 0) return v1Error(400, request, { code: 'BadRequest', details: { document: ['Missing data for required field.'] }, message: 'Invalid fields in form' });
		const body = loadFixture<{ api_request: Record<string, unknown>; document: Record<string, unknown> }>(fixture);
		body.api_request.url = `https://api.mindee.net${request.path}`;
		body.document.id = newUuid();
		body.document.name = document.fileName ?? 'document';
		return { status: 201, json: body };
	}
}

function buildInference(job: MindeeJob): unknown {
	const context: InferenceContext = {
		inferenceId: job.id,
		jobId: job.id,
		modelId: job.modelId,
		fileName: job.fileName,
		alias: job.alias,
		mimeType: job.mimeType,
		activeOptions: job.activeOptions,
	};
	const outcome = job.outcome;
	if (outcome.kind === 'groundTruth') return inferenceFromTruth(outcome.truth, context);
	if (outcome.kind === 'inference') return inferenceFromObject(outcome.inference, context);
	if (outcome.kind === 'fixture') return inferenceFromFixture(outcome.name, context);
	throw new Error(`job ${job.id} has no inference`);
}

function enqueueProblems(request: RecordedRequest): Array<{ pointer: string; detail: string }> {
	if (!request.parts) return [{ pointer: '#/', detail: 'Request body must be multipart/form-data.' }];
	const problems: Array<{ pointer: string; detail: string }> = [];
	const modelId = partNamed(request, 'model_id');
	if (!modelId || modelId.text.trim() === '') problems.push({ pointer: '#/model_id', detail: 'Field required' });
	const file = partNamed(request, 'file');
	const url = partNamed(request, 'url');
	if (!file && !url) problems.push({ pointer: '#/file', detail: 'Either file or url is required' });
	if (file && url) problems.push({ pointer: '#/url', detail: 'file and url are mutually exclusive' });
	if (file && file.data.length === 0) problems.push({ pointer: '#/file', detail: 'The file is empty' });
	if (url && !/^https:\/\//.test(url.text)) problems.push({ pointer: '#/url', detail: 'URL must use https' });
	return problems;
}

function mimeOf(file: MultipartPart | undefined): string {
	if (!file) return 'application/octet-stream';
	const kind = sniffKind(file.data);
	return kind === 'unknown' ? (file.contentType ?? MIME_BY_KIND.unknown) : MIME_BY_KIND[kind];
}

/** "2025-07-03T14:27:58.974451": UTC without zone, microseconds, like the job fixtures. */
function mindeeTimestamp(epochMs: number): string {
	return `${new Date(epochMs).toISOString().slice(0, 23)}000`;
}

const STATUS_TITLES: Record<number, string> = {
	400: 'Bad Request',
	402: 'Payment Required',
	403: 'Forbidden',
	404: 'Not Found',
	413: 'Payload Too Large',
	422: 'Unprocessable Entity',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

/** The V2 error object: {status, detail, title, code:"<status>-<nnn>", errors[]} like v2/errors/*.json. */
function v2Error(status: number, title: string, detail: string): MindeeJobError {
	return { status, detail, title, code: `${status}-001`, errors: [] };
}

function v1Fixture(path: string, request: RecordedRequest): FakeResponse {
	const body = loadFixture<{ api_request: Record<string, unknown> }>(path);
	body.api_request.url = `https://api.mindee.net${request.path}`;
	return { status: Number(body.api_request.status_code), json: body };
}

function v1Error(status: number, request: RecordedRequest, error?: Record<string, unknown>): FakeResponse {
	if (!error && status === 429) return v1Fixture('mindee/v1/errors/error_429_too_many_requests.json', request);
	if (!error && status === 401) return v1Fixture('mindee/v1/errors/error_401_invalid_token.json', request);
	if (!error && status >= 500) {
		const failure = v1Fixture('mindee/v1/errors/error_500_inference_fail.json', request);
		(failure.json as { api_request: Record<string, unknown> }).api_request.status_code = status;
		return { ...failure, status };
	}
	const body = {
		api_request: {
			error: error ?? { code: STATUS_TITLES[status]?.replace(/\s/g, '') ?? 'Error', details: STATUS_TITLES[status] ?? `HTTP ${status}`, message: STATUS_TITLES[status] ?? 'Error' },
			resources: [],
			status: 'failure',
			status_code: status,
			url: `https://api.mindee.net${request.path}`,
		},
	};
	return { status, json: body };
}
