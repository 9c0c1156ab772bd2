// The Qonto node and the Transaction Match node in a real n8n, with both Qonto credentials: Get Many transactions
// feeds Transaction Match; a clear match is uploaded as a supplier invoice and attached to its transaction, an
// ambiguous document (two identical payments) goes to "Not Matched" and nothing is attached.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { QontoFake, makeTransaction } from '../contract-fakes';
import { executionError, nodeOutput, startN8n, type Execution, type N8nInstance, type WorkflowJson, type WorkflowNode } from '../harness';

jest.setTimeout(300_000);

const RECEIPT = readFileSync(join(__dirname, '../fixtures/samples/receipts/sroie-060.jpg'));
const PACKAGE = 'n8n-nodes-qonto-whatsapp';

type Authentication = 'apiKey' | 'oAuth2';
const CREDENTIALS: Record<Authentication, Record<string, { id: string; name: string }>> = {
	apiKey: { qontoApi: { id: 'QontoApiKeyCred01', name: 'Qonto API key' } },
	oAuth2: { qontoOAuth2Api: { id: 'QontoOAuth2Cred01', name: 'Qonto OAuth2' } },
};

/** Webhook (a multipart upload: the file + the extracted document) → Qonto → Transaction Match → upload + attach. */
function matchWorkflow(authentication: Authentication): WorkflowJson {
	const qonto = (name: string, parameters: object): WorkflowNode => ({ name, type: `${PACKAGE}.qonto`, typeVersion: 1, parameters: { authentication, ...parameters }, credentials: CREDENTIALS[authentication] });
	return {
		id: `QontoMatch${authentication}`.padEnd(16, '0').slice(0, 16),
		name: `Qonto match (${authentication})`,
		nodes: [
			{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: `0b7c6a1e-2f3d-4c5b-8a9e-${authentication === 'apiKey' ? '000000000001' : '000000000002'}`, parameters: { httpMethod: 'POST', path: `qonto-match-${authentication}`, responseMode: 'onReceived', options: {} } },
			{ name: 'Extracted Document', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: '={{ { document: JSON.parse($json.body.document), messageId: $json.body.messageId, organizationId: "org-e2e" } }}', includeOtherFields: true, options: {} } },
			qonto('Qonto Transactions', { resource: 'transaction', operation: 'getMany', returnAll: true, useDateWindow: true, windowDate: '={{ $json.document.date }}', windowDaysBefore: 3, windowDaysAfter: 35, output: 'single', includeInputFields: true }),
			{ name: 'Transaction Match', type: `${PACKAGE}.transactionMatch`, typeVersion: 1, parameters: { transactionsSource: 'field', document: '={{ $json.document }}', transactions: '={{ $json.transactions }}', options: {} } },
			qonto('Upload Supplier Invoice', { resource: 'supplierInvoice', operation: 'upload', binaryPropertyName: 'data', idempotencyKey: '', options: { skipAttachmentMatcher: true } }),
			qonto('Attach to Transaction', { resource: 'attachment', operation: 'attachToTransaction', transactionId: "={{ $('Transaction Match').item.json.match.transactionId }}", binaryPropertyName: 'data', idempotencyKey: '' }),
			{ name: 'Not Matched', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
		],
		connections: {
			Webhook: { main: [[{ node: 'Extracted Document', type: 'main', index: 0 }]] },
			'Extracted Document': { main: [[{ node: 'Qonto Transactions', type: 'main', index: 0 }]] },
			'Qonto Transactions': { main: [[{ node: 'Transaction Match', type: 'main', index: 0 }]] },
			'Transaction Match': { main: [[{ node: 'Upload Supplier Invoice', type: 'main', index: 0 }], [{ node: 'Not Matched', type: 'main', index: 0 }]] },
			'Upload Supplier Invoice': { main: [[{ node: 'Attach to Transaction', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

const card = (label: string, cents: number, emittedAt: string) =>
	makeTransaction({ side: 'debit', operation_type: 'card', status: 'completed', label, clean_counterparty_name: null, currency: 'EUR', amount_cents: cents, local_currency: 'EUR', emitted_at: emittedAt, settled_at: emittedAt.replace('T12', 'T23'), attachment_ids: [] });

describe('Qonto + Transaction Match in a real n8n', () => {
	const qonto = new QontoFake();
	let n8n: N8nInstance;
	const workflows = { apiKey: matchWorkflow('apiKey'), oAuth2: matchWorkflow('oAuth2') };
	// One clear case per credential: a payment that received its receipt is "already justified" for the next run.
	const clearCases = {
		apiKey: { payment: card('BENS INDEPENDENT GROC', 7720, '2018-03-12T12:30:00.000Z'), document: { supplierName: 'BENS INDEPENDENT GROCER SDN. BHD', date: '2018-03-12', totalAmountCents: 7720, currency: 'EUR' } },
		oAuth2: { payment: card('SANYU STATIONERY SHOP', 500, '2017-07-19T12:30:00.000Z'), document: { supplierName: 'SANYU STATIONERY SHOP', date: '2017-07-19', totalAmountCents: 500, currency: 'EUR' } },
	};
	const twins = [card('MR DIY KLANG', 4290, '2018-03-17T12:30:00.000Z'), card('MR DIY KLANG', 4290, '2018-03-17T12:30:00.000Z')];

	beforeAll(async () => {
		await qonto.start();
		qonto.setTransactions([clearCases.apiKey.payment, clearCases.oAuth2.payment, ...twins, card('GRAB *RIDE', 1850, '2018-03-13T08:00:00.000Z')]);
		const tokens = qonto.issueTokens({ scopes: ['organization.read', 'attachment.write', 'supplier_invoice.write', 'supplier_invoice.read', 'offline_access'] });
		const [client] = qonto.oauth.clients;
		n8n = await startN8n({
			label: 'qonto-match',
			workflows: [workflows.apiKey, workflows.oAuth2],
			credentials: [
				{ id: 'QontoApiKeyCred01', name: 'Qonto API key', type: 'qontoApi', data: { environment: 'production', login: qonto.login, secretKey: qonto.secretKey, baseUrl: qonto.url } },
				{
					id: 'QontoOAuth2Cred01',
					name: 'Qonto OAuth2',
					type: 'qontoOAuth2Api',
					data: { environment: 'production', baseUrl: qonto.url, oauthBaseUrl: qonto.url, clientId: client.clientId, clientSecret: client.clientSecret, oauthTokenData: tokens },
				},
			],
		});
	});
	afterAll(async () => {
		await n8n?.stop();
		await qonto.stop();
	});

	async function send(authentication: Authentication, messageId: string, document: object): Promise<Execution> {
		const before = (await n8n.listExecutions(workflows[authentication].id!)).length;
		const form = new FormData();
		form.append('data', new Blob([RECEIPT], { type: 'image/jpeg' }), 'receipt.jpg');
		form.append('document', JSON.stringify(document));
		form.append('messageId', messageId);
		const response = await fetch(n8n.webhookUrl({ workflowId: workflows[authentication].id!, node: 'Webhook' }), { method: 'POST', body: form });
		expect(response.status).toBe(200);
		const executions = await n8n.waitForExecutions(workflows[authentication].id!, before + 1, 60_000);
		const execution = executions.find((candidate) => nodeOutput(candidate, 'Extracted Document')[0]?.messageId === messageId);
		expect(execution).toBeDefined();
		return execution!;
	}

	describe.each(['apiKey', 'oAuth2'] as const)('with the %s credential', (authentication) => {
		const authorization = (header: string | undefined) => (authentication === 'apiKey' ? header === `${qonto.login}:${qonto.secretKey}` : header?.startsWith('Bearer '));

		test('a clear match is uploaded once and attached to its transaction', async () => {
			const { payment, document } = clearCases[authentication];
			const invoicesBefore = qonto.supplierInvoices().length;
			const execution = await send(authentication, `wamid.clear.${authentication}`, document);
			expect(executionError(execution)).toBeUndefined();
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'Transaction Match', 0)).toEqual([expect.objectContaining({ match: expect.objectContaining({ matched: true, transactionId: payment.id }) })]);
			expect(nodeOutput(execution, 'Transaction Match', 1)).toEqual([]);
			expect(qonto.supplierInvoices()).toHaveLength(invoicesBefore + 1);
			expect(qonto.attachmentsOf(String(payment.id))).toHaveLength(1);
			const calls = qonto.requests().filter((request) => request.route === 'supplier_invoices.bulk' || request.route === 'transaction_attachments.create');
			expect(calls.slice(-2).map((request) => request.route)).toEqual(['supplier_invoices.bulk', 'transaction_attachments.create']);
			for (const call of calls.slice(-2)) expect(authorization(call.headers.authorization)).toBe(true);
			expect(calls[calls.length - 1].headers['x-qonto-idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
			expect(calls[calls.length - 2].parts?.map((part) => part.name)).toEqual(expect.arrayContaining(['supplier_invoices[][file]', 'supplier_invoices[][idempotency_key]']));
		});

		test('an ambiguous document goes to Not Matched and nothing is attached', async () => {
			const attachmentsBefore = qonto.attachments().filter((attachment) => attachment.transactionId).length;
			const execution = await send(authentication, `wamid.twins.${authentication}`, { supplierName: 'MR. D.I.Y. (M) SDN BHD', date: '2018-03-17', totalAmountCents: 4290, currency: 'EUR' });
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'Transaction Match', 0)).toEqual([]);
			const [notMatched] = nodeOutput(execution, 'Transaction Match', 1);
			expect(notMatched.match).toMatchObject({ matched: false, outcome: 'ambiguous', transactionId: null });
			expect(nodeOutput(execution, 'Not Matched')).toHaveLength(1);
			expect(qonto.attachments().filter((attachment) => attachment.transactionId)).toHaveLength(attachmentsBefore);
		});
	});
});
