// Never silent, in a real n8n: whatever breaks after 🔎 — a step that throws, a host that never answers, a service
// that stays down, a slow attempt that the sweep takes for abandoned — the document ends ✅ or ❌ with a reason, is
// stored at most once, each execution says in n8n's executions list what happened to it, and an admin hears (through
// the shipped admin-alerts workflow) about every failure the sender cannot fix.
import { SENDER, findNode, startInvoiceInbox, waitFor, type InvoiceInbox } from '../support/invoiceInbox';
import type { WorkflowJson } from '../harness';

jest.setTimeout(300_000);

const WHATSAPP_TIMEOUT_SECONDS = 3;
// Shorter than any wait below: Qonto's own idempotency key cannot be what keeps a document from being stored twice.
const QONTO_KEY_LIFETIME_MS = 3_000;
const ABANDONED_AFTER_SECONDS = 30;
const ADMIN = '33611223344';

describe('never silent', () => {
	let inbox: InvoiceInbox;
	beforeAll(async () => {
		inbox = await startInvoiceInbox({
			label: 'never-silent-e2e',
			qontoIdempotencyTtlMs: QONTO_KEY_LIFETIME_MS,
			whatsAppTimeoutSeconds: WHATSAPP_TIMEOUT_SECONDS,
			adminAlertsTo: ADMIN,
			sweep: { everySeconds: 5, abandonedAfterMinutes: ABANDONED_AFTER_SECONDS / 60, firstRetryMinutes: 0.1, giveUpAfterMinutes: 1 },
		});
	});
	afterAll(async () => await inbox?.stop());
	afterEach(() => {
		for (const fake of [inbox.fakes.whatsapp, inbox.fakes.mindee, inbox.fakes.qonto]) fake.clearInjections();
	});

	const ledgerRow = async (messageId: string) => (await inbox.n8n.dataTableRows('whatsapp_documents')).find((row) => row.messageId === messageId);
	const alertAbout = async (messageId: string) => await waitFor(() => inbox.fakes.whatsapp.sentTexts(ADMIN).find((text) => text.body.includes(messageId))?.body, 30_000);

	/** Changes one node of a running workflow the way an admin does in the editor, runs `body`, then puts it back. */
	async function withNodeChanged(workflow: WorkflowJson, nodeName: string, parameters: Record<string, unknown>, body: () => Promise<void>) {
		const original = structuredClone(workflow);
		const changed = structuredClone(workflow);
		Object.assign(findNode(changed, nodeName).parameters as Record<string, unknown>, parameters);
		await inbox.n8n.updateWorkflow(changed);
		try {
			await body();
		} finally {
			await inbox.n8n.updateWorkflow(original);
		}
	}

	test('the file check throws (an admin mistyped its input field): ❌ with a reply and a reason in the ledger and the executions list', async () => {
		const receipt = inbox.rescan(inbox.receipts[0], 'file check throws');
		const invoices = inbox.fakes.qonto.supplierInvoices().length;
		await withNodeChanged(inbox.workflow, 'Invoice File Check', { binaryPropertyName: 'dta' }, async () => {
			const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
			expect(await inbox.waitForFinalReaction(messageId)).toBe('❌');
			expect(await inbox.waitForReply(messageId)).toBe('Sorry, this document could not be stored in Qonto. Please send it again later.');
			const row = await waitFor(async () => ((await ledgerRow(messageId))?.state === 'failed' ? await ledgerRow(messageId) : undefined), 30_000);
			expect(String(row?.reason)).toMatch(/^notStored: .*dta/);
			const tags = await waitFor(async () => (await inbox.executionTags(messageId)).find((candidate) => candidate.outcome === 'failed'), 30_000);
			expect(tags).toMatchObject({ sender: SENDER, messageId, organisation: 'ACME SAS', attempt: '0', reason: expect.stringMatching(/^notStored: /) });
			// Not the sender's fault: the execution fails on purpose after the answer, and n8n's error workflow tells the admin.
			expect(await alertAbout(messageId)).toMatch(new RegExp(`^⚠️ WhatsApp invoice inbox for Qonto: Document ${messageId.replace(/\./g, '\\.')} from ${SENDER} for ACME SAS ended ❌ \\(notStored\\): .*dta`));
		});
		expect(inbox.fakes.qonto.supplierInvoices()).toHaveLength(invoices);
	});

	test('the matcher throws (its Document expression points nowhere): ❌ with a reason, nothing stored in Qonto', async () => {
		const receipt = inbox.rescan(inbox.receipts[1], 'matcher throws');
		const invoices = inbox.fakes.qonto.supplierInvoices().length;
		await withNodeChanged(inbox.acmeWorkflow, 'Transaction Match', { document: '={{ $json.documnet }}' }, async () => {
			const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
			expect(await inbox.waitForFinalReaction(messageId)).toBe('❌');
			expect(await inbox.waitForReply(messageId)).toBe('Sorry, this document could not be stored in Qonto. Please send it again later.');
			const row = await waitFor(async () => ((await ledgerRow(messageId))?.state === 'failed' ? await ledgerRow(messageId) : undefined), 30_000);
			expect(String(row?.reason)).toMatch(/^notStored: .*not an object/);
			expect(await alertAbout(messageId)).toMatch(/ended ❌ \(notStored\): .*not an object/);
		});
		expect(inbox.fakes.qonto.supplierInvoices()).toHaveLength(invoices);
	});

	test('the WhatsApp media host accepts the connection and never answers: the execution ends within its timeouts, the document waits and ends ✅', async () => {
		const { whatsapp, qonto } = inbox.fakes;
		const receipt = inbox.rescan(inbox.receipts[2], 'media host hangs');
		const invoices = qonto.supplierInvoices().length;
		// Every download attempt of the first execution hangs; the sweep's attempt finds the host answering again.
		whatsapp.hangNext('media.download', { times: 4 });
		const sentAt = Date.now();
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
		const waiting = await waitFor(async () => {
			const row = await ledgerRow(messageId);
			return String(row?.reason).startsWith('waiting: whatsapp: ') ? row : undefined;
		}, 90_000);
		expect(waiting).toMatchObject({ state: 'processing' });
		const first = await waitFor(async () => (await inbox.executionTags(messageId)).find((tags) => tags.outcome === 'waiting'), 30_000);
		// 4 download attempts of 3 s plus backoff, not n8n's 300 s default per request.
		expect(Date.now() - sentAt).toBeLessThan(60_000);
		expect(first).toMatchObject({ sender: SENDER, attempt: '0' });

		expect(await inbox.waitForFinalReaction(messageId, 90_000)).toBe('✅');
		expect(qonto.supplierInvoices()).toHaveLength(invoices + 1);
		expect(whatsapp.requests({ route: 'media.download' }).filter((request) => request.injected === 'hang')).toHaveLength(4);
		const last = await waitFor(async () => (await inbox.executionTags(messageId)).find((tags) => tags.outcome === 'matched' || tags.outcome === 'stored'), 30_000);
		expect(Number(last?.attempt)).toBeGreaterThan(0);
	});

	test('a slow attempt that the sweep takes for abandoned stops before Qonto: stored once, even with Qonto’s key forgotten', async () => {
		const { mindee, qonto } = inbox.fakes;
		const receipt = inbox.rescan(inbox.receipts[3], 'slow attempt overtaken');
		const invoices = qonto.supplierInvoices().length;
		// Mindee holds the first attempt's upload past the sweep's "abandoned" age; the sweep's attempt gets an answer at once.
		mindee.delayNext('v2.enqueue', (ABANDONED_AFTER_SECONDS + 20) * 1000);
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
		expect(await inbox.waitForFinalReaction(messageId, 120_000)).toBe('✅');
		const overtaken = await waitFor(async () => (await inbox.executionTags(messageId)).find((tags) => tags.outcome?.startsWith('overtaken')), 90_000);
		// Attempt 0 reached the check either while attempt 1 was running or after it had finished.
		expect(overtaken).toMatchObject({ attempt: '0', outcome: expect.stringMatching(/^overtaken: (attempt 1 took over|already matched)$/) });
		// Both attempts read the document (the first one was paid for already); only one stored it.
		expect(mindee.requests({ route: 'v2.enqueue' }).filter((request) => request.body.includes(receipt.bytes.subarray(0, 64))).length).toBeGreaterThanOrEqual(2);
		expect(qonto.supplierInvoices()).toHaveLength(invoices + 1);
		expect(qonto.supplierInvoices().filter((invoice) => invoice.sha256 === receipt.sha256)).toHaveLength(1);
		expect(inbox.reactionsOn(messageId).filter((emoji) => emoji === '✅')).toHaveLength(1);
	});

	test('Mindee stays down: the sweep gives up at its limit and the sender learns which service failed, not to resend a bad file', async () => {
		const { mindee, qonto } = inbox.fakes;
		const receipt = inbox.rescan(inbox.receipts[4], 'mindee stays down');
		const invoices = qonto.supplierInvoices().length;
		mindee.failNext('v2.enqueue', 503, { times: 10_000 });
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
		expect(await inbox.waitForFinalReaction(messageId, 180_000)).toBe('❌');
		expect(await inbox.waitForReply(messageId)).toMatch(/^Sorry, the document reading service did not answer for \d+ minutes, so this document could not be read\. Please send it again later\.$/);
		const row = await waitFor(async () => ((await ledgerRow(messageId))?.state === 'failed' ? await ledgerRow(messageId) : undefined), 30_000);
		expect(String(row?.reason)).toMatch(/^readerUnavailable: No success after \d+ attempts/);
		expect(Number(row?.attempts)).toBeGreaterThan(1);
		expect(await alertAbout(messageId)).toMatch(/ended ❌ \(readerUnavailable\): No success after/);
		expect(qonto.supplierInvoices()).toHaveLength(invoices);
		// 🔎 again on each of the sweep's attempts, then the one final answer.
		expect(inbox.reactionsOn(messageId).at(-1)).toBe('❌');
		expect(inbox.reactionsOn(messageId)).not.toContain('✅');
	});

	test('a file the sender can fix (a GIF) gets ❌ and its reason, and no admin is bothered', async () => {
		const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
		const messageId = await inbox.sendDocument(gif, 'receipt.jpg', 'image/jpeg');
		expect(await inbox.waitForFinalReaction(messageId)).toBe('❌');
		expect(await inbox.waitForReply(messageId)).toMatch(/not accepted/);
		const tags = await waitFor(async () => (await inbox.executionTags(messageId)).find((candidate) => candidate.outcome === 'failed'), 30_000);
		expect(tags?.reason).toMatch(/^unsupported_type: /);
		const executions = await inbox.n8n.listExecutions(inbox.workflow.id as string);
		expect(executions.filter((execution) => execution.status === 'error').length).toBe(inbox.fakes.whatsapp.sentTexts(ADMIN).length);
		expect(inbox.fakes.whatsapp.sentTexts(ADMIN).some((text) => text.body.includes(messageId))).toBe(false);
	});
});
