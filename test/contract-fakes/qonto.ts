/**
 * Qonto Business API v2 stand-in (api-contracts §1): API-key (`login:secret-key`, not Basic) and OAuth bearer
 * auth with scopes, the sandbox staging-token trap, organisation / bank accounts / transactions with filters and
 * pagination, attachments with required idempotency keys, supplier-invoice bulk upload that always answers 200,
 * memberships, the OAuth endpoints, and webhook subscriptions with signed `v1/transactions` deliveries
 * (qontoWebhooks.ts).
 */
import { createHmac, randomBytes } from 'node:crypto';

import { IdempotencyCache } from './idempotency';
import type { MultipartPart } from './multipart';
import {
	attachmentView,
	defaultBankAccounts,
	defaultCurrentMembership,
	defaultMemberships,
	defaultOrganization,
	defaultTransactions,
	type Json,
	listAccountView,
	newSupplierInvoice,
	normalizeTransaction,
	organizationAccountView,
	type StoredAttachment,
	type StoredSupplierInvoice,
} from './qontoData';
import { type AccessGrant, type OAuthClient, QontoOAuth } from './qontoOAuth';
import { filterSupplierInvoices, filterTransactions, isProblem, paginate, pageRequest, type QueryProblem, transactionQuery } from './qontoQuery';
import { allValues, ContractFake, type FakeResponse, type FakeServerOptions, firstValue, type RecordedRequest, type RouteContext } from './server';
import { MIME_BY_KIND, newUuid, sha256Hex, sniffKind } from './sniff';
import {
	type DeliveryOptions,
	type DeliveryResult,
	generatedWebhookSecret,
	isWebhookProblem,
	postDelivery,
	readSubscriptionInput,
	signQontoWebhook,
	type StoredWebhookSubscription,
	subscriptionView,
	type TransactionEventName,
	transactionEventPayload,
	WEBHOOK_TYPE_SCOPES,
} from './qontoWebhooks';

export type QontoRoute =
	| 'organization'
	| 'bank_accounts.list'
	| 'transactions.list'
	| 'transactions.get'
	| 'transaction_attachments.create'
	| 'transaction_attachments.list'
	| 'attachments.create'
	| 'attachments.get'
	| 'attachments.file'
	| 'supplier_invoices.bulk'
	| 'supplier_invoices.list'
	| 'supplier_invoices.get'
	| 'memberships.list'
	| 'membership.get'
	| 'oauth.auth'
	| 'oauth.token'
	| 'webhook_subscriptions.create'
	| 'webhook_subscriptions.list'
	| 'webhook_subscriptions.get'
	| 'webhook_subscriptions.update'
	| 'webhook_subscriptions.delete';

export interface QontoFakeOptions extends FakeServerOptions {
	/** API key login (the organisation's). Default 'acme-sas-1234'. */
	login?: string;
	/** API key secret. Default 'fake-qonto-secret-key'. */
	secretKey?: string;
	/** Sandbox mode: every call without this X-Qonto-Staging-Token gets a 200 text/html page. */
	stagingToken?: string;
	/** Default one client: fake-qonto-client-id / fake-qonto-client-secret, any redirect URI. */
	oauthClients?: OAuthClient[];
	/** Default 30 minutes. */
	idempotencyTtlMs?: number;
	/** Whole attachment request (file and multipart form), as the contract's "15 MB" is per request. Default 15 MiB. */
	maxAttachmentBytes?: number;
	/** Whole supplier-invoice bulk request. Default 15 MiB. */
	maxBulkRequestBytes?: number;
	/**
	 * One file in a bulk request. Default none: the endpoint reference only limits the whole request (15 MB); the
	 * bulk-upload guide's "PDF invoice file (max 10 MB)" is not on the endpoint page (api-contracts.md §1.6).
	 */
	maxBulkFileBytes?: number;
	/** Uploaded attachments show on their transaction after this delay (Qonto processes them in the background). Default 0. */
	attachmentVisibilityDelayMs?: number;
	/** Statuses listed when the client sends no status[] (unconfirmed for the real API). Default: all. */
	defaultTransactionStatuses?: string[] | null;
	/** How long a webhook callback may take to answer before Qonto counts the delivery as failed. Default 1000 ms. */
	webhookAckTimeoutMs?: number;
}

type Caller = { kind: 'apiKey' } | { kind: 'oauth'; grant: AccessGrant };

const ALLOWED_UPLOADS = new Set(['jpeg', 'png', 'pdf']);
const SOURCES = ['pay_by_invoice', 'supplier_invoices', 'integration', 'transaction_attachment', 'generic_upload'];
const MIB = 1024 * 1024;

/** The OAuth scope each route needs (docs.qonto.com available-scopes). */
const ROUTE_SCOPES: Partial<Record<QontoRoute, string>> = {
	organization: 'organization.read',
	'bank_accounts.list': 'organization.read',
	'transactions.list': 'organization.read',
	'transactions.get': 'organization.read',
	'transaction_attachments.list': 'organization.read',
	'attachments.get': 'organization.read',
	'memberships.list': 'organization.read',
	'transaction_attachments.create': 'attachment.write',
	'attachments.create': 'attachment.write',
	'supplier_invoices.bulk': 'supplier_invoice.write',
	'supplier_invoices.list': 'supplier_invoice.read',
	'supplier_invoices.get': 'supplier_invoice.read',
	'membership.get': 'membership.read',
	'webhook_subscriptions.create': 'webhook',
	'webhook_subscriptions.list': 'webhook',
	'webhook_subscriptions.get': 'webhook',
	'webhook_subscriptions.update': 'webhook',
	'webhook_subscriptions.delete': 'webhook',
};

/** Routes whose errors Qonto documents as one flat object `{code, detail, source}` (Postman collection `webhooks`). */
const FLAT_ERROR_ROUTES: ReadonlySet<QontoRoute> = new Set([
	'webhook_subscriptions.create',
	'webhook_subscriptions.list',
	'webhook_subscriptions.get',
	'webhook_subscriptions.update',
	'webhook_subscriptions.delete',
]);

export class QontoFake extends ContractFake<QontoRoute> {
	readonly login: string;
	readonly secretKey: string;
	readonly oauth: QontoOAuth;
	private organization: Json = defaultOrganization();
	private bankAccounts: Json[] = defaultBankAccounts();
	private transactionList: Json[] = [];
	private labels = new Map<string, Json>();
	private memberships: Json[] = defaultMemberships();
	private currentMembership: Json = defaultCurrentMembership();
	private storedAttachments = new Map<string, StoredAttachment>();
	private invoices: StoredSupplierInvoice[] = [];
	private readonly idempotency: IdempotencyCache<FakeResponse>;
	private readonly invoiceKeys: IdempotencyCache<string>;
	private forcedBulkItemErrors: string[] = [];
	private readonly fileSecret = randomBytes(16);
	private webhookSubscriptionList: StoredWebhookSubscription[] = [];
	private webhookDeliveryLog: DeliveryResult[] = [];
	private readonly subscriptionKeys: IdempotencyCache<FakeResponse>;

	constructor(private readonly options: QontoFakeOptions = {}) {
		super(options);
		this.login = options.login ?? 'acme-sas-1234';
		this.secretKey = options.secretKey ?? 'fake-qonto-secret-key';
		const ttl = options.idempotencyTtlMs ?? 30 * 60_000;
		this.idempotency = new IdempotencyCache(this.clock, ttl);
		this.invoiceKeys = new IdempotencyCache(this.clock, ttl);
		this.subscriptionKeys = new IdempotencyCache(this.clock, ttl);
		const clients = options.oauthClients ?? [{ clientId: 'fake-qonto-client-id', clientSecret: 'fake-qonto-client-secret' }];
		this.oauth = new QontoOAuth(this.clock, clients, () => structuredClone(this.currentMembership));
		this.setTransactions(defaultTransactions());
		this.registerRoutes();
	}

	/** API-key Authorization header value: `login:secret-key`. */
	get apiKeyHeader(): string {
		return `${this.login}:${this.secretKey}`;
	}

	get organizationId(): string {
		return this.organization.id;
	}

	get mainBankAccount(): Json {
		return this.bankAccounts.find((account) => account.main) ?? this.bankAccounts[0];
	}

	setOrganization(changes: Json): void {
		this.organization = { ...this.organization, ...changes };
	}

	setBankAccounts(accounts: Json[]): void {
		this.bankAccounts = structuredClone(accounts);
	}

	/** Replaces the transaction set; fills bank_account_id (main account) and other always-present fields when missing. */
	setTransactions(transactions: Json[]): void {
		const mainId = this.mainBankAccount.id;
		this.transactionList = transactions.map((transaction) => normalizeTransaction(structuredClone(transaction), mainId));
	}

	addTransactions(...transactions: Json[]): void {
		const mainId = this.mainBankAccount.id;
		this.transactionList.push(...transactions.map((transaction) => normalizeTransaction(structuredClone(transaction), mainId)));
	}

	updateTransaction(id: string, changes: Json): void {
		const transaction = this.transactionList.find((candidate) => candidate.id === id);
		if (!transaction) throw new Error(`no transaction ${id}`);
		Object.assign(transaction, changes);
	}

	/** Transactions as GET /v2/transactions/{id} would show them (uploaded attachments merged once visible). */
	transactions(): Json[] {
		return this.transactionList.map((transaction) => this.transactionView(transaction, []));
	}

	setLabels(labels: Json[]): void {
		this.labels = new Map(labels.map((label) => [label.id, label]));
	}

	setMemberships(memberships: Json[]): void {
		this.memberships = structuredClone(memberships);
	}

	/** The user GET /v2/membership answers for OAuth consents given from now on. */
	setCurrentMembership(membership: Json): void {
		this.currentMembership = structuredClone(membership);
	}

	/** Everything uploaded through POST /v2/attachments and /v2/transactions/{id}/attachments. */
	attachments(): StoredAttachment[] {
		return [...this.storedAttachments.values()];
	}

	/** Files attached to a transaction, including those Qonto has not "processed" yet. */
	attachmentsOf(transactionId: string): StoredAttachment[] {
		return this.attachments().filter((attachment) => attachment.transactionId === transactionId);
	}

	/** Supplier invoices created through the bulk endpoint, with their bytes. */
	supplierInvoices(): StoredSupplierInvoice[] {
		return [...this.invoices];
	}

	/** Changes an invoice as Qonto's OCR, matcher or a user would (status, supplier_name, matched_transactions…). */
	updateSupplierInvoice(id: string, changes: Json): void {
		const stored = this.invoices.find((candidate) => candidate.invoice.id === id);
		if (!stored) throw new Error(`no supplier invoice ${id}`);
		Object.assign(stored.invoice, changes, { updated_at: new Date(this.clock.now()).toISOString() });
	}

	/** The next bulk items get this per-item error code (default internal_server_error) instead of being created. */
	failNextBulkItems(times = 1, code = 'internal_server_error'): void {
		for (let index = 0; index < times; index++) this.forcedBulkItemErrors.push(code);
	}

	/** OAuth tokens without the browser dance, e.g. `issueTokens({scopes: ['organization.read', 'offline_access']})`. */
	issueTokens(options: { scopes: string[]; membership?: Json }): Json {
		return this.oauth.issueTokens(options);
	}

	expireAccessTokens(): void {
		this.oauth.expireAccessTokens();
	}

	/** Every webhook subscription (with its secret and the OAuth client that created it). */
	webhookSubscriptions(): StoredWebhookSubscription[] {
		return structuredClone(this.webhookSubscriptionList);
	}

	/**
	 * A subscription made outside the node under test (an admin with their own OAuth token): what a "secret pasted
	 * into the credential" setup starts from. Returns it, secret included.
	 */
	addWebhookSubscription(options: { callbackUrl: string; secret?: string; types?: string[]; description?: string; clientId?: string; membershipId?: string }): StoredWebhookSubscription {
		const now = new Date(this.clock.now()).toISOString();
		const subscription: StoredWebhookSubscription = {
			id: newUuid(),
			organization_id: this.organization.id,
			membership_id: options.membershipId ?? this.currentMembership.id,
			client_id: options.clientId ?? 'qonto-developer-portal',
			callback_url: options.callbackUrl,
			types: options.types ?? ['v1/transactions'],
			description: options.description ?? null,
			secret: options.secret ?? generatedWebhookSecret(),
			created_at: now,
			updated_at: now,
		};
		this.webhookSubscriptionList.push(subscription);
		return structuredClone(subscription);
	}

	/**
	 * Delivers a `v1/transactions` event (`created` or `updated`) about `transaction` to every subscription of that type
	 * (or the one named in `options`), signed with its secret — or as told: another secret (forged), another timestamp
	 * (stale), no signature, a raw header. Resolves once every callback answered (or failed); each result says whether
	 * Qonto would count it as acknowledged (2xx within 1 second).
	 */
	async deliverTransactionEvent(event: TransactionEventName | string, transaction: Json, options: DeliveryOptions = {}): Promise<DeliveryResult[]> {
		const targets = this.webhookSubscriptionList.filter(
			(subscription) => subscription.types.includes('v1/transactions') && (options.subscriptionId === undefined || subscription.id === options.subscriptionId),
		);
		const results: DeliveryResult[] = [];
		for (const subscription of targets) {
			const deliveryId = options.deliveryId ?? newUuid();
			const body = JSON.stringify(transactionEventPayload(subscription, event, transaction, this.clock.now(), deliveryId));
			const timestamp = options.timestamp ?? Math.floor(this.clock.now() / 1000);
			const header = options.signatureHeader ?? (options.signed === false ? null : signQontoWebhook(options.secret ?? subscription.secret, timestamp, body));
			const result = await postDelivery(subscription, deliveryId, body, header, options.timeoutMs ?? 10_000, this.options.webhookAckTimeoutMs);
			this.webhookDeliveryLog.push(result);
			results.push(result);
		}
		return results;
	}

	/** Every delivery made so far, oldest first. */
	webhookDeliveries(): DeliveryResult[] {
		return [...this.webhookDeliveryLog];
	}

	protected resetState(): void {
		this.organization = defaultOrganization();
		this.bankAccounts = defaultBankAccounts();
		this.setTransactions(defaultTransactions());
		this.labels = new Map();
		this.memberships = defaultMemberships();
		this.currentMembership = defaultCurrentMembership();
		this.storedAttachments = new Map();
		this.invoices = [];
		this.idempotency.clear();
		this.invoiceKeys.clear();
		this.forcedBulkItemErrors = [];
		this.oauth.reset();
		this.webhookSubscriptionList = [];
		this.webhookDeliveryLog = [];
		this.subscriptionKeys.clear();
	}

	protected beforeRoute(request: RecordedRequest): FakeResponse | undefined {
		const token = this.options.stagingToken;
		if (token === undefined || request.route === 'attachments.file' || request.headers['x-qonto-staging-token'] === token) return undefined;
		// The documented trap: no error, a 200 HTML login page.
		return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: SANDBOX_LOGIN_PAGE };
	}

	protected decorate(response: FakeResponse): FakeResponse {
		const headers = { ...response.headers };
		if (!Object.keys(headers).some((name) => name.toLowerCase() === 'x-tyk-trace-id')) headers['x-tyk-trace-id'] = traceId();
		return { ...response, headers };
	}

	protected errorResponse(status: number, route: QontoRoute): FakeResponse {
		if (route === 'oauth.token' || route === 'oauth.auth') return { status, json: { error: status === 429 ? 'too_many_requests' : 'server_error', error_description: `HTTP ${status}` } };
		const [code, detail] = ERROR_TEXTS[status] ?? (status >= 500 ? ERROR_TEXTS[500] : ['error', `HTTP ${status}`]);
		const error = qontoError(status, [{ code, detail }]);
		return FLAT_ERROR_ROUTES.has(route) ? flattenError(error) : error;
	}

	protected notFound(request: RecordedRequest): FakeResponse {
		return qontoError(404, [{ code: 'not_found', detail: `No route matches ${request.method} ${request.path}` }]);
	}

	private registerRoutes(): void {
		this.guarded('organization', 'GET', '/v2/organization', (context) => this.getOrganization(context));
		this.guarded('bank_accounts.list', 'GET', '/v2/bank_accounts', (context) => this.listBankAccounts(context));
		this.guarded('transactions.list', 'GET', '/v2/transactions', (context) => this.listTransactions(context));
		this.guarded('transactions.get', 'GET', '/v2/transactions/:id', (context) => this.getTransaction(context));
		this.guarded('transaction_attachments.create', 'POST', '/v2/transactions/:id/attachments', (context) => this.attachToTransaction(context));
		this.guarded('transaction_attachments.list', 'GET', '/v2/transactions/:id/attachments', (context) => this.listTransactionAttachments(context));
		this.guarded('attachments.create', 'POST', '/v2/attachments', (context) => this.createAttachment(context));
		this.guarded('attachments.get', 'GET', '/v2/attachments/:id', (context) => this.getAttachment(context));
		this.route('attachments.file', 'GET', '/files/attachments/:id', (context) => this.downloadAttachment(context));
		this.guarded('supplier_invoices.bulk', 'POST', '/v2/supplier_invoices/bulk', (context, caller) => this.bulkCreate(context, caller));
		this.guarded('supplier_invoices.list', 'GET', '/v2/supplier_invoices', (context) => this.listSupplierInvoices(context));
		this.guarded('supplier_invoices.get', 'GET', '/v2/supplier_invoices/:id', (context) => this.getSupplierInvoice(context));
		this.guarded('memberships.list', 'GET', '/v2/memberships', (context) => this.listMemberships(context));
		this.guarded('membership.get', 'GET', '/v2/membership', (_context, caller) => this.getMembership(caller));
		this.route('oauth.auth', 'GET', '/oauth2/auth', ({ request }) => this.oauth.authorize(request.query));
		this.route('oauth.token', 'POST', '/oauth2/token', ({ request }) => this.oauth.token(request));
		this.guarded('webhook_subscriptions.create', 'POST', '/v2/webhook_subscriptions', (context, caller) => this.createWebhookSubscription(context, caller));
		this.guarded('webhook_subscriptions.list', 'GET', '/v2/webhook_subscriptions', (context, caller) => this.listWebhookSubscriptions(context, caller));
		this.guarded('webhook_subscriptions.get', 'GET', '/v2/webhook_subscriptions/:id', (context, caller) => this.getWebhookSubscription(context, caller));
		this.guarded('webhook_subscriptions.update', 'PUT', '/v2/webhook_subscriptions/:id', (context, caller) => this.updateWebhookSubscription(context, caller));
		this.guarded('webhook_subscriptions.delete', 'DELETE', '/v2/webhook_subscriptions/:id', (context, caller) => this.deleteWebhookSubscription(context, caller));
	}

	/** A route behind authentication and, for OAuth callers, its scope. */
	private guarded(name: QontoRoute, method: string, pattern: string, handler: (context: RouteContext, caller: Caller) => FakeResponse): void {
		const flat = FLAT_ERROR_ROUTES.has(name);
		this.route(name, method, pattern, (context) => {
			const caller = this.authenticate(context.request);
			if ('status' in caller) return flat ? flattenError(caller) : caller;
			const scope = ROUTE_SCOPES[name];
			if (caller.kind === 'oauth' && scope && !caller.grant.scopes.includes(scope)) {
				const forbidden = qontoError(403, [{ code: 'forbidden', detail: `missing required oauth scope: ${scope}` }]);
				return flat ? flattenError(forbidden) : forbidden;
			}
			return handler(context, caller);
		});
	}

	private authenticate(request: RecordedRequest): Caller | FakeResponse {
		const header = request.headers.authorization ?? '';
		if (header === this.apiKeyHeader) return { kind: 'apiKey' };
		const bearer = /^Bearer\s+(\S+)$/i.exec(header);
		if (bearer) {
			const grant = this.oauth.lookup(bearer[1]);
			if (grant === 'expired') return qontoError(401, [{ code: 'unauthorized', detail: 'The access token expired' }]);
			if (grant) return { kind: 'oauth', grant };
		}
		const detail = header === '' ? 'Missing Authorization header' : /^Basic\s/i.test(header) ? 'Invalid credentials: send "login:secret-key" as is, not HTTP Basic' : 'Invalid credentials';
		return qontoError(401, [{ code: 'unauthorized', detail }]);
	}

	private getOrganization({ request }: RouteContext): FakeResponse {
		const withExternal = firstValue(request.query.include_external_accounts) === 'true';
		const accounts = this.bankAccounts.filter((account) => withExternal || !account.is_external_account);
		return ok({ organization: { ...this.organization, bank_accounts: accounts.map(organizationAccountView) } });
	}

	private listBankAccounts({ request }: RouteContext): FakeResponse {
		const page = pageRequest(request.query);
		if (isProblem(page)) return parameterError(422, page);
		const { items } = paginate(this.bankAccounts, page);
		// The docs' example of this endpoint has no meta.
		return ok({ bank_accounts: items.map((account) => listAccountView(account, this.organization.id)) });
	}

	private listTransactions({ request }: RouteContext): FakeResponse {
		const account = this.accountFor(request);
		if (isProblem(account)) return parameterError(account.code === 'not_found' ? 404 : 422, account);
		const page = pageRequest(request.query);
		if (isProblem(page)) return parameterError(422, page);
		const query = transactionQuery(request.query);
		if (isProblem(query)) return parameterError(422, query);
		const ofAccount = this.transactionList.filter((transaction) => transaction.bank_account_id === account.id).map((transaction) => this.transactionView(transaction, query.includes));
		const filtered = filterTransactions(ofAccount, query, this.options.defaultTransactionStatuses ?? null);
		const { items, meta } = paginate(filtered, page);
		return ok({ transactions: items, meta });
	}

	/** bank_account_id wins over iban; one of them is required. */
	private accountFor(request: RecordedRequest): Json | QueryProblem {
		const id = firstValue(request.query.bank_account_id);
		const iban = firstValue(request.query.iban);
		if (!id && !iban) return { code: 'required', detail: 'bank_account_id or iban is required', parameter: 'bank_account_id' };
		const account = id ? this.bankAccounts.find((candidate) => candidate.id === id) : this.bankAccounts.find((candidate) => candidate.iban === iban?.replace(/\s/g, ''));
		return account ?? { code: 'not_found', detail: 'Bank account not found', parameter: id ? 'bank_account_id' : 'iban' };
	}

	private getTransaction({ request, params }: RouteContext): FakeResponse {
		const transaction = this.findTransaction(params.id);
		if (!transaction) return transactionNotFound(params.id);
		const query = transactionQuery({ 'includes[]': allValues(request.query, 'includes') });
		if (isProblem(query)) return parameterError(422, query);
		return ok({ transaction: this.transactionView(transaction, query.includes) });
	}

	private findTransaction(id: string): Json | undefined {
		return this.transactionList.find((transaction) => transaction.id === id);
	}

	private transactionView(transaction: Json, includes: string[]): Json {
		const { attachments: storedAttachments, labels: _labels, vat_details: storedVat, ...view } = transaction;
		const visible = this.visibleAttachmentsOf(transaction.id);
		view.attachment_ids = [...new Set([...(transaction.attachment_ids ?? []), ...visible.map((attachment) => attachment.id)])];
		if (includes.includes('attachments')) view.attachments = [...(storedAttachments ?? []), ...visible.map((attachment) => this.attachmentJson(attachment))];
		if (includes.includes('labels')) view.labels = view.label_ids.map((id: string) => this.labels.get(id) ?? { id, name: `Label ${id.slice(0, 8)}`, parent_id: null });
		if (includes.includes('vat_details')) view.vat_details = storedVat ?? { items: [] };
		return view;
	}

	private visibleAttachmentsOf(transactionId: string): StoredAttachment[] {
		return this.attachmentsOf(transactionId).filter((attachment) => attachment.visibleAt <= this.clock.now());
	}

	private attachToTransaction({ request, params }: RouteContext): FakeResponse {
		return this.idempotent(request, () => {
			if (!this.findTransaction(params.id)) return transactionNotFound(params.id);
			const file = this.validatedUpload(request);
			if ('status' in file) return file;
			const attachment = this.store(file, request.headers['x-qonto-idempotency-key'], params.id);
			this.updateTransaction(params.id, { updated_at: new Date(attachment.createdAt).toISOString() });
			return { status: 200, body: '' };
		});
	}

	private createAttachment({ request }: RouteContext): FakeResponse {
		return this.idempotent(request, () => {
			const file = this.validatedUpload(request);
			if ('status' in file) return file;
			return ok({ attachment: { id: this.store(file, request.headers['x-qonto-idempotency-key']).id } });
		});
	}

	/** X-Qonto-Idempotency-Key is required; a repeated key gets the cached success without doing anything again. */
	private idempotent(request: RecordedRequest, create: () => FakeResponse): FakeResponse {
		const key = request.headers['x-qonto-idempotency-key'];
		if (!key) return qontoError(400, [{ code: 'required', detail: 'X-Qonto-Idempotency-Key header is required', source: { parameter: 'X-Qonto-Idempotency-Key' } }]);
		const cacheKey = `${request.method} ${request.path} ${key}`;
		const cached = this.idempotency.get(cacheKey);
		if (cached) return structuredClone(cached);
		const response = create();
		if (response.status < 300) this.idempotency.set(cacheKey, structuredClone(response));
		return response;
	}

	/** One part named `file`, JPEG/PNG/PDF by its bytes, in a request of at most 15 MiB (file and form together). */
	private validatedUpload(request: RecordedRequest): MultipartPart | FakeResponse {
		if (!request.parts) return qontoError(400, [{ code: 'bad_request', detail: request.parseError ?? 'Expected a multipart/form-data body with a file part', source: { pointer: '/file' } }]);
		const files = request.parts.filter((part) => part.name === 'file');
		if (files.length !== 1) return unprocessable(files.length === 0 ? 'required' : 'invalid', files.length === 0 ? 'file is required' : 'exactly one file is accepted', '/file');
		const file = files[0];
		if (file.data.length === 0) return unprocessable('invalid', 'file is empty', '/file');
		if (!ALLOWED_UPLOADS.has(sniffKind(file.data))) return unprocessable('invalid', 'file content type is not supported (JPEG, PNG or PDF only)', '/file');
		if (request.body.length > (this.options.maxAttachmentBytes ?? 15 * MIB)) return unprocessable('invalid', 'request is too large (15 MB max)', '/file');
		return file;
	}

	private store(file: MultipartPart, idempotencyKey?: string, transactionId?: string): StoredAttachment {
		const now = this.clock.now();
		const attachment: StoredAttachment = {
			id: newUuid(),
			transactionId,
			fileName: file.fileName || 'file',
			contentType: MIME_BY_KIND[sniffKind(file.data)],
			bytes: file.data,
			sha256: sha256Hex(file.data),
			idempotencyKey,
			createdAt: now,
			visibleAt: now + (this.options.attachmentVisibilityDelayMs ?? 0),
		};
		this.storedAttachments.set(attachment.id, attachment);
		return attachment;
	}

	private listTransactionAttachments({ request, params }: RouteContext): FakeResponse {
		if (!this.findTransaction(params.id)) return transactionNotFound(params.id);
		const page = pageRequest(request.query);
		if (isProblem(page)) return parameterError(422, page);
		const { items } = paginate(this.visibleAttachmentsOf(params.id), page);
		return ok({ attachments: items.map((attachment) => this.attachmentJson(attachment)) });
	}

	private getAttachment({ params }: RouteContext): FakeResponse {
		const attachment = this.storedAttachments.get(params.id);
		if (!attachment) return qontoError(404, [{ code: 'not_found', detail: 'Attachment not found', source: { parameter: 'id' } }]);
		return ok({ attachment: this.attachmentJson(attachment) });
	}

	/** Attachment URLs are signed and expire, like Qonto's storage links. */
	private attachmentJson(attachment: StoredAttachment): Json {
		const expires = Math.floor((this.clock.now() + 30 * 60_000) / 1000);
		const signature = createHmac('sha256', this.fileSecret).update(`${attachment.id}.${expires}`).digest('hex');
		return attachmentView(attachment, `${this.publicUrl}/files/attachments/${attachment.id}?expires=${expires}&signature=${signature}`);
	}

	private downloadAttachment({ request, params }: RouteContext): FakeResponse {
		const attachment = this.storedAttachments.get(params.id);
		const expires = Number(firstValue(request.query.expires));
		const expected = createHmac('sha256', this.fileSecret).update(`${params.id}.${expires}`).digest('hex');
		if (!attachment || firstValue(request.query.signature) !== expected) return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'SignatureDoesNotMatch' };
		if (this.clock.now() / 1000 > expires) return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'Request has expired' };
		return { status: 200, headers: { 'content-type': attachment.contentType }, body: attachment.bytes };
	}

	private bulkCreate({ request }: RouteContext, caller: Caller): FakeResponse {
		if (!request.parts) return qontoError(400, [{ code: 'bad_request', detail: request.parseError ?? 'Expected a multipart/form-data body', source: { pointer: '/supplier_invoices' } }]);
		if (request.body.length > (this.options.maxBulkRequestBytes ?? 15 * MIB)) return qontoError(400, [{ code: 'invalid', detail: 'The request is too large (15 MB max in total)', source: { pointer: '/supplier_invoices' } }]);
		const settings = bulkSettings(request.parts);
		if (isProblem(settings)) return qontoError(400, [{ code: settings.code, detail: settings.detail, source: { pointer: `/${settings.parameter}` } }]);
		const items = groupBulkItems(request.parts);
		if (items.length === 0) return qontoError(400, [{ code: 'required', detail: 'supplier_invoices is required', source: { pointer: '/supplier_invoices' } }]);
		if (items.length > 20) return ok({ supplier_invoices: [], errors: [{ code: 'limit_reached', detail: 'You can upload up to 20 supplier invoices per request', source: { pointer: '/data' } }] });
		const created: Json[] = [];
		const errors: Json[] = [];
		items.forEach((item, index) => {
			const result = this.createInvoice(item, index, settings, caller);
			if ('code' in result) errors.push(result);
			else created.push(result);
		});
		return ok({ supplier_invoices: created, errors });
	}

	private createInvoice(item: BulkItem, index: number, settings: BulkSettings, caller: Caller): Json {
		const itemError = (code: string, detail: string, field = '') => ({ code, detail, source: { pointer: `/data/${index}${field}` } });
		const forced = this.forcedBulkItemErrors.shift();
		if (forced) return itemError(forced, 'Something went wrong while creating this supplier invoice');
		const key = item.idempotency_key?.text.trim();
		if (!key) return itemError('required', 'idempotency_key is required', '/idempotency_key');
		const existingId = this.invoiceKeys.get(key);
		const existing = existingId && this.invoices.find((stored) => stored.invoice.id === existingId);
		if (existing) return structuredClone(existing.invoice);
		const attachment = this.bulkAttachment(item, itemError);
		if ('code' in attachment) return attachment;
		const invoice = newSupplierInvoice({
			organizationId: this.organization.id,
			attachmentId: attachment.id,
			fileName: attachment.fileName,
			source: settings.source,
			meta: settings.meta,
			initiatorId: caller.kind === 'oauth' ? caller.grant.membership.id : null,
			now: this.clock.now(),
		});
		this.invoices.push({ invoice, attachmentId: attachment.id, fileName: attachment.fileName, contentType: attachment.contentType, bytes: attachment.bytes, sha256: attachment.sha256, idempotencyKey: key, skipAttachmentMatcher: settings.skipAttachmentMatcher, source: settings.source, meta: settings.meta });
		this.invoiceKeys.set(key, invoice.id);
		return structuredClone(invoice);
	}

	private bulkAttachment(item: BulkItem, itemError: (code: string, detail: string, field?: string) => Json): StoredAttachment | Json {
		if (item.file && item.attachment_id) return itemError('invalid', 'file and attachment_id cannot be used together', '/file');
		if (item.attachment_id) {
			return this.storedAttachments.get(item.attachment_id.text.trim()) ?? itemError('invalid', 'attachment not found', '/attachment_id');
		}
		if (!item.file || item.file.data.length === 0) return itemError('required', 'file is required', '/file');
		if (!ALLOWED_UPLOADS.has(sniffKind(item.file.data))) return itemError('invalid', 'Unsupported content type (JPEG, PNG or PDF only)', '/file');
		if (this.options.maxBulkFileBytes !== undefined && item.file.data.length > this.options.maxBulkFileBytes) return itemError('invalid', 'File too large', '/file');
		return this.store(item.file);
	}

	private listSupplierInvoices({ request }: RouteContext): FakeResponse {
		const page = pageRequest(request.query);
		if (isProblem(page)) return parameterError(422, page);
		const filtered = filterSupplierInvoices(this.invoices.map((stored) => stored.invoice), request.query);
		if (isProblem(filtered)) return parameterError(400, filtered);
		const { items, meta } = paginate(filtered, page);
		return ok({ supplier_invoices: structuredClone(items), meta });
	}

	private getSupplierInvoice({ params }: RouteContext): FakeResponse {
		const stored = this.invoices.find((candidate) => candidate.invoice.id === params.id);
		if (!stored) return qontoError(404, [{ code: 'not_found', detail: 'Supplier invoice not found', source: { parameter: 'id' } }]);
		return ok({ supplier_invoice: structuredClone(stored.invoice) });
	}

	private listMemberships({ request }: RouteContext): FakeResponse {
		const page = pageRequest(request.query);
		if (isProblem(page)) return parameterError(422, page);
		const { items, meta } = paginate(this.memberships, page);
		return ok({ memberships: structuredClone(items), meta });
	}

	/** Only OAuth callers have a "self" (scope membership.read); an API key belongs to an organisation, not a user. */
	private getMembership(caller: Caller): FakeResponse {
		if (caller.kind === 'apiKey') return qontoError(403, [{ code: 'forbidden', detail: 'This endpoint requires OAuth 2.0 (scope membership.read)' }]);
		return ok({ membership: structuredClone(caller.grant.membership) });
	}

	// --- webhook subscriptions: OAuth2 only (every endpoint page lists Bearer as its one authorisation), scope `webhook`;
	// a caller sees only "subscriptions created by the authenticated user and for the current client_id".

	private webhookCaller(caller: Caller): AccessGrant | FakeResponse {
		if (caller.kind === 'apiKey') return webhookError(403, 'forbidden', 'Webhook subscriptions require OAuth 2.0 (scope webhook); an API key cannot manage them');
		return caller.grant;
	}

	private ownedSubscription(grant: AccessGrant, id: string): StoredWebhookSubscription | undefined {
		return this.webhookSubscriptionList.find((subscription) => subscription.id === id && subscription.membership_id === grant.membership.id && subscription.client_id === grant.clientId);
	}

	private createWebhookSubscription({ request }: RouteContext, caller: Caller): FakeResponse {
		const grant = this.webhookCaller(caller);
		if ('status' in grant) return grant;
		const create = (): FakeResponse => {
			const input = readSubscriptionInput(request.json ?? null);
			if (isWebhookProblem(input)) return webhookError(input.code === 'bad_request' ? 400 : 422, input.code, input.detail, { pointer: input.pointer });
			const missing = (input.types ?? []).map((type) => WEBHOOK_TYPE_SCOPES[type]).find((scope) => scope !== undefined && !grant.scopes.includes(scope));
			if (missing) return webhookError(403, 'forbidden', `missing required oauth scope: ${missing}`);
			const subscription = this.addWebhookSubscription({
				callbackUrl: input.callback_url as string,
				secret: input.secret,
				types: input.types,
				description: input.description ?? undefined,
				clientId: grant.clientId,
				membershipId: grant.membership.id,
			});
			return { status: 201, json: subscriptionView(subscription, true) };
		};
		// Not documented for this endpoint; honoured when sent, as Qonto does for its other writes.
		const key = request.headers['x-qonto-idempotency-key'];
		if (!key) return create();
		const cacheKey = `${grant.clientId} ${grant.membership.id} ${key}`;
		const cached = this.subscriptionKeys.get(cacheKey);
		if (cached) return structuredClone(cached);
		const response = create();
		if (response.status < 300) this.subscriptionKeys.set(cacheKey, structuredClone(response));
		return response;
	}

	private listWebhookSubscriptions({ request }: RouteContext, caller: Caller): FakeResponse {
		const grant = this.webhookCaller(caller);
		if ('status' in grant) return grant;
		const page = pageRequest(request.query);
		if (isProblem(page)) return webhookError(422, page.code, page.detail, { parameter: page.parameter });
		const own = this.webhookSubscriptionList.filter((subscription) => subscription.membership_id === grant.membership.id && subscription.client_id === grant.clientId);
		const { items, meta } = paginate(own, page);
		return ok({ subscriptions: items.map((subscription) => subscriptionView(subscription)), meta });
	}

	private getWebhookSubscription({ params }: RouteContext, caller: Caller): FakeResponse {
		const grant = this.webhookCaller(caller);
		if ('status' in grant) return grant;
		const subscription = this.ownedSubscription(grant, params.id);
		if (!subscription) return webhookNotFound();
		return ok(subscriptionView(subscription));
	}

	private updateWebhookSubscription({ request, params }: RouteContext, caller: Caller): FakeResponse {
		const grant = this.webhookCaller(caller);
		if ('status' in grant) return grant;
		const subscription = this.ownedSubscription(grant, params.id);
		if (!subscription) return webhookNotFound();
		const input = readSubscriptionInput(request.json ?? null, true);
		if (isWebhookProblem(input)) return webhookError(input.code === 'bad_request' ? 400 : 422, input.code, input.detail, { pointer: input.pointer });
		if (input.callback_url !== undefined) subscription.callback_url = input.callback_url;
		if (input.types !== undefined) subscription.types = input.types;
		if (input.description !== undefined) subscription.description = input.description;
		subscription.updated_at = new Date(this.clock.now()).toISOString();
		return ok(subscriptionView(subscription));
	}

	private deleteWebhookSubscription({ params }: RouteContext, caller: Caller): FakeResponse {
		const grant = this.webhookCaller(caller);
		if ('status' in grant) return grant;
		const subscription = this.ownedSubscription(grant, params.id);
		if (!subscription) return webhookNotFound();
		this.webhookSubscriptionList = this.webhookSubscriptionList.filter((stored) => stored !== subscription);
		return { status: 204, body: '' };
	}
}

interface BulkItem {
	file?: MultipartPart;
	idempotency_key?: MultipartPart;
	attachment_id?: MultipartPart;
}

interface BulkSettings {
	source: string;
	meta: Json | null;
	skipAttachmentMatcher: boolean;
}

/**
 * Rack's reading of `supplier_invoices[][file]`, `supplier_invoices[][idempotency_key]`…: a field starts a new
 * item when the current item already has it. Indexed names (`supplier_invoices[0][file]`) are grouped by index.
 */
export function groupBulkItems(parts: MultipartPart[]): BulkItem[] {
	const items: BulkItem[] = [];
	const indexed = new Map<string, BulkItem>();
	for (const part of parts) {
		const match = /^supplier_invoices\[(\d*)\]\[(file|idempotency_key|attachment_id)\]$/.exec(part.name);
		if (!match) continue;
		const field = match[2] as keyof BulkItem;
		if (match[1] !== '') {
			if (!indexed.has(match[1])) items.push(indexed.set(match[1], {}).get(match[1]) as BulkItem);
			(indexed.get(match[1]) as BulkItem)[field] = part;
			continue;
		}
		const last = items.at(-1);
		if (!last || last[field] !== undefined) items.push({ [field]: part });
		else last[field] = part;
	}
	return items;
}

function bulkSettings(parts: MultipartPart[]): BulkSettings | QueryProblem {
	const text = (name: string) => parts.find((part) => part.name === name)?.text.trim();
	const source = text('source') ?? 'generic_upload';
	if (!SOURCES.includes(source)) return { code: 'not_in_list', detail: `source must be one of: ${SOURCES.join(', ')}`, parameter: 'source' };
	const rawMeta = text('meta');
	let meta: Json | null = null;
	if (rawMeta) {
		try {
			meta = JSON.parse(rawMeta);
		} catch {
			return { code: 'invalid', detail: 'meta must be a JSON object', parameter: 'meta' };
		}
	}
	const skip = text('skip_attachment_matcher');
	if (skip !== undefined && !['true', 'false'].includes(skip)) return { code: 'invalid', detail: 'skip_attachment_matcher must be true or false', parameter: 'skip_attachment_matcher' };
	return { source, meta, skipAttachmentMatcher: skip === 'true' };
}

const ERROR_TEXTS: Record<number, [string, string]> = {
	400: ['bad_request', 'Bad request'],
	401: ['unauthorized', 'Invalid credentials'],
	403: ['forbidden', 'Forbidden'],
	404: ['not_found', 'Not found'],
	409: ['conflict', 'Conflict'],
	422: ['unprocessable_entity', 'Unprocessable entity'],
	429: ['too_many_requests', 'Too many requests'],
	500: ['internal_server_error', 'Internal server error'],
};

function traceId(): string {
	return randomBytes(16).toString('hex');
}

function ok(json: unknown): FakeResponse {
	return { status: 200, json };
}

/** JSON:API errors with trace_id = X-Tyk-Trace-Id. `asObject` reproduces the endpoints documented with `errors` as one object. */
function qontoError(status: number, errors: Json[], asObject = false): FakeResponse {
	const trace = traceId();
	return { status, headers: { 'x-tyk-trace-id': trace }, json: { errors: asObject ? errors[0] : errors, trace_id: trace } };
}

/** The webhook endpoints' documented error body: one flat object `{code, detail, source}` (no `errors` array). */
function webhookError(status: number, code: string, detail: string, source?: Json): FakeResponse {
	return { status, json: { code, detail, ...(source ? { source } : {}) } };
}

function webhookNotFound(): FakeResponse {
	return webhookError(404, 'not_found', 'Webhook subscription not found', { parameter: 'id' });
}

/** A JSON:API error answer (as authentication gives it) in the webhook endpoints' flat shape. */
function flattenError(response: FakeResponse): FakeResponse {
	const body = response.json as { errors?: Json[] | Json } | undefined;
	const first = Array.isArray(body?.errors) ? body?.errors[0] : body?.errors;
	if (!first) return response;
	return { ...response, json: { code: first.code, detail: first.detail, ...(first.source ? { source: first.source } : {}) } };
}

function parameterError(status: number, problem: QueryProblem): FakeResponse {
	return qontoError(status, [{ code: problem.code, detail: problem.detail, source: { parameter: problem.parameter } }]);
}

function unprocessable(code: string, detail: string, pointer: string): FakeResponse {
	return qontoError(422, [{ code, detail, status: '422', message: detail, source: { pointer } }]);
}

/** Qonto documents the transaction endpoints' 404 with `errors` as a single object. */
function transactionNotFound(id: string): FakeResponse {
	return qontoError(404, [{ code: 'not_found', detail: `Transaction ${id} not found`, source: { parameter: 'id' } }], true);
}

const SANDBOX_LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Qonto</title>
<meta http-equiv="refresh" content="0; url=https://qonto.onelogin.com/login2"></head>
<body><p>Redirecting to <a href="https://qonto.onelogin.com/login2">qonto.onelogin.com</a>…</p></body></html>
`;
