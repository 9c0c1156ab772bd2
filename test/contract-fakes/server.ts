/**
 * Common base of the contract fakes: a real node:http server on 127.0.0.1 that records every request and lets a
 * test script failures per route (status codes, delays, hangs, dropped connections), then goes back to normal.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type Clock, systemClock } from './clock';
import { boundaryFrom, type MultipartPart, parseMultipart } from './multipart';

export interface FakeServerOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Origin the fake writes into the links it hands out (media URLs, attachment URLs); default its own URL. */
	publicUrl?: string;
	/** Time source for expiry rules (media URLs, tokens, idempotency keys). */
	clock?: Clock;
	/** Bodies above this are answered 413 without routing. Default 64 MiB. */
	maxBodyBytes?: number;
}

export type QueryValue = string | string[];

export interface RecordedRequest {
	/** Order of arrival, from 1. */
	seq: number;
	/** Name of the route that matched, null when none did. */
	route: string | null;
	method: string;
	/** Path without the query string. */
	path: string;
	/** Path and query exactly as received. */
	rawUrl: string;
	/** Repeated keys (status[]=a&status[]=b) become arrays. */
	query: Record<string, QueryValue>;
	/** Lower-case names. */
	headers: Record<string, string>;
	body: Buffer;
	/** Parsed when the content type is JSON and the body parses. */
	json?: unknown;
	/** Parsed application/x-www-form-urlencoded body. */
	form?: Record<string, QueryValue>;
	/** Parsed multipart/form-data body. */
	parts?: MultipartPart[];
	/** Why the body could not be parsed, if it could not. */
	parseError?: string;
	/** Epoch ms (wall clock) when the request arrived. */
	timestamp: number;
	/** Status the fake answered, once it answered. */
	status?: number;
	/** The failure injection applied to this request, if any. */
	injected?: Injection['kind'];
}

export interface FakeResponse {
	status: number;
	headers?: Record<string, string>;
	/** Serialised as JSON (content-type application/json unless headers say otherwise). */
	json?: unknown;
	body?: Buffer | string;
}

export type Injection =
	/** Answer this status, with the service's documented error body unless `body` is given. */
	| { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; retryAfter?: number | string }
	/** Wait, then answer normally. */
	| { kind: 'delay'; ms: number }
	/** Never answer (until the client gives up or the fake stops): for timeouts. */
	| { kind: 'hang' }
	/** Close the connection without an answer: for network errors. */
	| { kind: 'drop' };

export interface InjectOptions {
	/** How many matching requests get the failure; default 1. Infinity = until clearInjections(). */
	times?: number;
	/** Only requests for which this returns true get the failure (and use up `times`). */
	when?: (request: RecordedRequest) => boolean;
}

export type RequestFilter<R extends string> =
	| ((request: RecordedRequest) => boolean)
	| { route?: R; method?: string; path?: string | RegExp };

export interface RouteContext {
	request: RecordedRequest;
	/** Named groups of the route pattern. */
	params: Record<string, string>;
}

type RouteHandler = (context: RouteContext) => FakeResponse | Promise<FakeResponse>;

interface RouteDefinition<R extends string> {
	name: R;
	method: string;
	pattern: RegExp;
	handler: RouteHandler;
}

interface ScheduledInjection<R extends string> {
	route: R | '*';
	injection: Injection;
	remaining: number;
	when?: (request: RecordedRequest) => boolean;
}

const DEFAULT_MAX_BODY = 64 * 1024 * 1024;

export abstract class ContractFake<R extends string> {
	readonly clock: Clock;
	private server?: Server;
	private readonly routes: RouteDefinition<R>[] = [];
	private recorded: RecordedRequest[] = [];
	private injections: ScheduledInjection<R>[] = [];
	/** Releases hung and delayed requests when the fake stops, so nothing keeps the process alive. */
	private readonly releases = new Set<() => void>();
	private sequence = 0;

	constructor(protected readonly baseOptions: FakeServerOptions = {}) {
		this.clock = baseOptions.clock ?? systemClock;
	}

	/** http://127.0.0.1:<port>, once started. */
	get url(): string {
		const address = this.server?.address() as AddressInfo | null | undefined;
		if (!address) throw new Error(`${this.constructor.name} is not started`);
		return `http://${this.baseOptions.host ?? '127.0.0.1'}:${address.port}`;
	}

	get port(): number {
		return Number(new URL(this.url).port);
	}

	/** Origin used in links the fake hands out. */
	protected get publicUrl(): string {
		return (this.baseOptions.publicUrl ?? this.url).replace(/\/$/, '');
	}

	async start(): Promise<this> {
		if (this.server) return this;
		const server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.baseOptions.port ?? 0, this.baseOptions.host ?? '127.0.0.1', () => resolve());
		});
		this.server = server;
		return this;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		for (const release of [...this.releases]) release();
		const closed = new Promise<void>((resolve) => server.close(() => resolve()));
		server.closeAllConnections();
		await closed;
	}

	/** Recorded requests, oldest first, optionally filtered. */
	requests(filter?: RequestFilter<R>): RecordedRequest[] {
		if (!filter) return [...this.recorded];
		if (typeof filter === 'function') return this.recorded.filter(filter);
		return this.recorded.filter(
			(request) =>
				(filter.route === undefined || request.route === filter.route) &&
				(filter.method === undefined || request.method === filter.method.toUpperCase()) &&
				(filter.path === undefined || (typeof filter.path === 'string' ? request.path === filter.path : filter.path.test(request.path))),
		);
	}

	lastRequest(filter?: RequestFilter<R>): RecordedRequest | undefined {
		return this.requests(filter).at(-1);
	}

	clearRequests(): void {
		this.recorded = [];
	}

	/** Forgets requests and injected failures and puts the service's data back to its defaults. */
	reset(): void {
		this.recorded = [];
		this.injections = [];
		this.resetState();
	}

	inject(route: R | '*', injection: Injection, options: InjectOptions = {}): void {
		this.injections.push({ route, injection, remaining: options.times ?? 1, when: options.when });
	}

	/** The next `times` requests to `route` get `status` with the service's documented error body. */
	failNext(
		route: R | '*',
		status: number,
		options: InjectOptions & { retryAfter?: number | string; body?: unknown; headers?: Record<string, string> } = {},
	): void {
		const { times, when, ...rest } = options;
		this.inject(route, { kind: 'status', status, ...rest }, { times, when });
	}

	delayNext(route: R | '*', ms: number, options: InjectOptions = {}): void {
		this.inject(route, { kind: 'delay', ms }, options);
	}

	hangNext(route: R | '*', options: InjectOptions = {}): void {
		this.inject(route, { kind: 'hang' }, options);
	}

	dropNext(route: R | '*', options: InjectOptions = {}): void {
		this.inject(route, { kind: 'drop' }, options);
	}

	clearInjections(): void {
		this.injections = [];
	}

	/** Declares a route; a string pattern's `:name` segments become params. First declared, first matched. */
	protected route(name: R, method: string, pattern: RegExp | string, handler: RouteHandler): void {
		this.routes.push({ name, method: method.toUpperCase(), pattern: typeof pattern === 'string' ? compilePattern(pattern) : pattern, handler });
	}

	/** The service's documented error body for an injected status. */
	protected abstract errorResponse(status: number, route: R, request: RecordedRequest): FakeResponse;

	/** What the service answers for a path it does not know. */
	protected abstract notFound(request: RecordedRequest): FakeResponse;

	/** Puts the service's data back to its defaults. */
	protected resetState(): void {}

	/** Answers before routing and injections (e.g. a gateway that intercepts every call). */
	protected beforeRoute(_request: RecordedRequest): FakeResponse | undefined {
		return undefined;
	}

	/** Adds what the service puts on every answer (e.g. a trace id header). */
	protected decorate(response: FakeResponse, _request: RecordedRequest): FakeResponse {
		return response;
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const { body, tooLarge } = await readBody(req, this.baseOptions.maxBodyBytes ?? DEFAULT_MAX_BODY);
		const request = this.record(req, body);
		let response: FakeResponse | null;
		try {
			response = tooLarge ? { status: 413, body: 'Request Entity Too Large' } : await this.respond(request);
		} catch (error) {
			// A bug in the fake itself: make it loud rather than a silent hang.
			response = { status: 500, json: { fake_error: error instanceof Error ? error.stack : String(error) } };
		}
		if (response === null) {
			req.socket.destroy();
			return;
		}
		const decorated = this.decorate(response, request);
		request.status = decorated.status;
		writeResponse(res, decorated);
	}

	private async respond(request: RecordedRequest): Promise<FakeResponse | null> {
		const match = this.match(request);
		request.route = match?.route.name ?? null;
		const early = this.beforeRoute(request);
		if (early) return early;
		if (!match) return this.notFound(request);
		const injection = this.takeInjection(match.route.name, request);
		if (injection) {
			request.injected = injection.kind;
			const answered = await this.applyInjection(injection, match.route.name, request);
			if (answered !== undefined) return answered;
		}
		return match.route.handler({ request, params: match.params });
	}

	/** Returns the answer for a failure, null for no answer at all, undefined to go on with the normal answer. */
	private async applyInjection(injection: Injection, route: R, request: RecordedRequest): Promise<FakeResponse | null | undefined> {
		switch (injection.kind) {
			case 'status': {
				const documented = this.errorResponse(injection.status, route, request);
				const headers = { ...documented.headers, ...injection.headers };
				if (injection.retryAfter !== undefined) headers['retry-after'] = String(injection.retryAfter);
				const body = injection.body !== undefined ? { json: injection.body, body: undefined } : {};
				return { ...documented, ...body, status: injection.status, headers };
			}
			case 'delay':
				await this.wait(injection.ms);
				return undefined;
			case 'hang':
				await this.wait(Infinity);
				return null;
			case 'drop':
				return null;
		}
	}

	private wait(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const release = () => {
				clearTimeout(timer);
				this.releases.delete(release);
				resolve();
			};
			const timer = Number.isFinite(ms) ? setTimeout(release, ms) : undefined;
			this.releases.add(release);
		});
	}

	private takeInjection(route: R, request: RecordedRequest): Injection | undefined {
		const scheduled = this.injections.find(
			(candidate) => (candidate.route === '*' || candidate.route === route) && candidate.remaining > 0 && (!candidate.when || candidate.when(request)),
		);
		if (!scheduled) return undefined;
		scheduled.remaining--;
		if (scheduled.remaining <= 0) this.injections = this.injections.filter((candidate) => candidate !== scheduled);
		return scheduled.injection;
	}

	private match(request: RecordedRequest): { route: RouteDefinition<R>; params: Record<string, string> } | undefined {
		for (const route of this.routes) {
			if (route.method !== request.method) continue;
			const found = route.pattern.exec(request.path);
			if (found) return { route, params: decodeParams(found.groups ?? {}) };
		}
		return undefined;
	}

	private record(req: IncomingMessage, body: Buffer): RecordedRequest {
		const url = new URL(req.url ?? '/', 'http://fake.invalid');
		const request: RecordedRequest = {
			seq: ++this.sequence,
			route: null,
			method: (req.method ?? 'GET').toUpperCase(),
			path: url.pathname,
			rawUrl: req.url ?? '/',
			query: groupParams(url.searchParams),
			headers: flattenHeaders(req.headers),
			body,
			timestamp: Date.now(),
		};
		parseBody(request);
		this.recorded.push(request);
		return request;
	}
}

function compilePattern(pattern: string): RegExp {
	const source = pattern
		.split('/')
		.map((segment) => (segment.startsWith(':') ? `(?<${segment.slice(1)}>[^/]+)` : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
		.join('/');
	return new RegExp(`^${source}$`);
}

function decodeParams(groups: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(groups).map(([key, value]) => [key, safeDecode(value)]));
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

export function groupParams(params: URLSearchParams): Record<string, QueryValue> {
	const grouped: Record<string, QueryValue> = {};
	for (const key of new Set(params.keys())) {
		const values = params.getAll(key);
		grouped[key] = values.length === 1 ? values[0] : values;
	}
	return grouped;
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
	const flat: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return flat;
}

function parseBody(request: RecordedRequest): void {
	const contentType = request.headers['content-type'] ?? '';
	if (request.body.length === 0) return;
	try {
		const boundary = boundaryFrom(contentType);
		if (boundary) request.parts = parseMultipart(request.body, boundary);
		else if (/^application\/x-www-form-urlencoded/i.test(contentType)) request.form = groupParams(new URLSearchParams(request.body.toString('utf8')));
		else if (/[/+]json\b/i.test(contentType)) request.json = JSON.parse(request.body.toString('utf8'));
	} catch (error) {
		request.parseError = error instanceof Error ? error.message : String(error);
	}
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<{ body: Buffer; tooLarge: boolean }> {
	const chunks: Buffer[] = [];
	let size = 0;
	let tooLarge = false;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > maxBytes) tooLarge = true;
		else chunks.push(chunk as Buffer);
	}
	return { body: Buffer.concat(chunks), tooLarge };
}

function writeResponse(res: ServerResponse, response: FakeResponse): void {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
	let payload: Buffer;
	if (response.json !== undefined) {
		payload = Buffer.from(JSON.stringify(response.json));
		headers['content-type'] ??= 'application/json; charset=utf-8';
	} else {
		payload = typeof response.body === 'string' ? Buffer.from(response.body) : (response.body ?? Buffer.alloc(0));
	}
	headers['content-length'] = String(payload.length);
	res.writeHead(response.status, headers);
	res.end(payload);
}

/** The first value of a query parameter. */
export function firstValue(value: QueryValue | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/** All values of a query parameter, with or without the `[]` suffix (`status[]=a` and `status=a`). */
export function allValues(query: Record<string, QueryValue>, name: string): string[] {
	const values = [query[`${name}[]`], query[name]].flatMap((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));
	return values;
}

/** A part of a multipart body by field name. */
export function partNamed(request: RecordedRequest, name: string): MultipartPart | undefined {
	return request.parts?.find((part) => part.name === name);
}
