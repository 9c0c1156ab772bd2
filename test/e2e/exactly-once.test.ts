// Exactly once and never silent, in a real n8n (SQLite): a message claimed once however often Meta delivers it, the
// document ledger in a Data Table, and a repeated delivery ending like the first one — even after Qonto has forgotten
// its idempotency keys.
import { expectRedeliveryAfterKeysForgotten, expectSameFileNotStoredAgain } from '../support/exactlyOnce';
import { SENDER, startInvoiceInbox, waitFor, type InvoiceInbox } from '../support/invoiceInbox';

jest.setTimeout(300_000);

const QONTO_KEY_LIFETIME_MS = 3_000;

describe('exactly once', () => {
	let inbox: InvoiceInbox;
	beforeAll(async () => {
		inbox = await startInvoiceInbox({
			label: 'exactly-once-e2e',
			qontoIdempotencyTtlMs: QONTO_KEY_LIFETIME_MS,
			sweep: { everySeconds: 5, abandonedAfterMinutes: 0.5, firstRetryMinutes: 0.1, giveUpAfterMinutes: 4 },
		});
	});
	afterAll(async () => await inbox?.stop());


	test('the same delivery posted 20 times at once: one download, one extraction, one invoice, one attachment, one 🔎', async () => {
		const { whatsapp, mindee, qonto } = inbox.fakes;
		const receipt = inbox.receipts[0];
		const counts = () => ({ downloads: whatsapp.requests({ route: 'media.download' }).length, extractions: mindee.requests({ route: 'v2.enqueue' }).length, invoices: qonto.supplierInvoices().length });
		const before = counts();
		// Only the webhook executions: the sweep's schedule runs in the same workflow.
		const deliveries = async () => (await inbox.n8n.listExecutions(inbox.workflow.id as string)).filter((execution) => execution.mode === 'webhook');
		const executionsBefore = (await deliveries()).length;
		const messageId = `wamid.exactly-once-${Date.now()}`;
		await Promise.all(Array.from({ length: 20 }, () => inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg', { messageId })));

		const executions = await waitFor(async () => {
			const finished = (await deliveries()).slice(executionsBefore).filter((execution) => execution.finished || execution.status !== 'running');
			return finished.length >= 20 ? finished : undefined;
		}, 120_000, 500);
		expect(executions?.map((execution) => execution.status)).toEqual(Array(20).fill('success'));
		expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
		// Every reaction after the single 🔎 is ✅: the claim's loser that came after the end repeats it, the others stay quiet.
		const reactions = inbox.reactionsOn(messageId);
		expect(reactions[0]).toBe('🔎');
		expect(reactions.filter((emoji) => emoji === '🔎')).toHaveLength(1);
		expect(reactions.slice(1).every((emoji) => emoji === '✅')).toBe(true);
		expect(counts()).toEqual({ downloads: before.downloads + 1, extractions: before.extractions + 1, invoices: before.invoices + 1 });
		const invoice = qonto.supplierInvoices().at(-1);
		expect(qonto.attachments().filter((attachment) => attachment.sha256 === invoice?.sha256 && attachment.transactionId)).toHaveLength(1);

		const claims = (await inbox.n8n.dataTableRows('whatsapp_claims')).filter((row) => row.messageId === messageId);
		expect(claims).toHaveLength(20);
		const ledger = (await inbox.n8n.dataTableRows('whatsapp_documents')).filter((row) => row.messageId === messageId);
		expect(ledger).toEqual([
			expect.objectContaining({ state: 'matched', waId: SENDER, organisationId: 'acme-sas-1234', sha256: receipt.sha256, supplierInvoiceId: String(invoice?.invoice.id), fileName: receipt.fileName }),
		]);
		expect(JSON.parse(String(ledger[0].extraction))).toMatchObject({ currency: expect.any(String), totalAmountCents: expect.any(Number) });
		expect(ledger[0].transactionId).toBeTruthy();
	});

	test("delivered again after Qonto forgot its idempotency keys: the same ✅, still one invoice", async () => {
		await expectRedeliveryAfterKeysForgotten(inbox, 1, QONTO_KEY_LIFETIME_MS);
	});

	test('the same file as a new message: ✅ and "already received", not read or stored again; another file of it is', async () => {
		// Receipt 0 was stored by the first test.
		await expectSameFileNotStoredAgain(inbox, 0);
	});

	test('attaching fails after the upload: ✅ for the stored invoice, and the ledger says why it is not attached', async () => {
		const { qonto } = inbox.fakes;
		const receipt = inbox.rescan(inbox.receipts[2], 'attach fails');
		const invoices = qonto.supplierInvoices().length;
		qonto.failNext('transaction_attachments.create', 400, { times: 5 });
		try {
			const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
			expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
			expect(qonto.supplierInvoices()).toHaveLength(invoices + 1);
			const row = await waitFor(async () => (await inbox.n8n.dataTableRows('whatsapp_documents')).find((candidate) => candidate.messageId === messageId && candidate.state === 'stored'), 30_000);
			expect(String(row?.reason)).toMatch(/^not attached: matched to payment .+, but attaching failed: /);
			expect(row?.supplierInvoiceId).toBeTruthy();
		} finally {
			qonto.clearInjections();
		}
	});

	test.each([
		['Mindee', 'mindee', 'v2.enqueue'],
		['Qonto', 'qonto', 'supplier_invoices.bulk'],
	] as const)('%s answering 503 for 60 s, then recovering: the document waits and ends ✅, stored once', async (_name, service, route) => {
		const { qonto } = inbox.fakes;
		const fake = inbox.fakes[service] as unknown as { failNext(route: string, status: number, options: { times: number }): void; requests(filter: { route: string }): unknown[]; clearInjections(): void };
		const receipt = inbox.rescan(inbox.receipts[3], `${service} outage`);
		const invoices = qonto.supplierInvoices().length;
		const calls = fake.requests({ route }).length;
		fake.failNext(route, 503, { times: 1000 });
		const recovery = setTimeout(() => fake.clearInjections(), 60_000);
		try {
			const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
			// Not ❌ after the first attempts: it is not the sender's fault. The ledger says what it waits for.
			const waiting = await waitFor(async () => (await inbox.n8n.dataTableRows('whatsapp_documents')).find((row) => row.messageId === messageId && String(row.reason).startsWith('waiting: ')), 40_000);
			expect(waiting).toMatchObject({ state: 'processing' });
			expect(inbox.fakes.whatsapp.reactionOn(messageId)).toBe('🔎');
			expect(await inbox.waitForFinalReaction(messageId, 150_000)).toBe('✅');
			expect(qonto.supplierInvoices()).toHaveLength(invoices + 1);
			expect(fake.requests({ route }).length - calls).toBeGreaterThan(3);
			const done = (await inbox.n8n.dataTableRows('whatsapp_documents')).find((row) => row.messageId === messageId);
			expect(done).toMatchObject({ state: expect.stringMatching(/^(matched|stored)$/), attempts: expect.any(Number) });
			expect(Number(done?.attempts)).toBeGreaterThan(0);
		} finally {
			clearTimeout(recovery);
			fake.clearInjections();
		}
	});

	test('a refused file is in the ledger with its reason, and its repeated delivery gets the same ❌ without a second reply', async () => {
		const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
		const messageId = await inbox.sendDocument(gif, 'receipt.jpg', 'image/jpeg');
		expect(await inbox.waitForFinalReaction(messageId)).toBe('❌');
		expect(await inbox.waitForReply(messageId)).toMatch(/not accepted/);
		const row = await waitFor(async () => (await inbox.n8n.dataTableRows('whatsapp_documents')).find((candidate) => candidate.messageId === messageId && candidate.state === 'failed'), 30_000);
		expect(String(row?.reason)).toMatch(/^unsupported_type/);

		const replies = inbox.fakes.whatsapp.sentTexts(SENDER).length;
		const reactions = inbox.reactionsOn(messageId).length;
		await inbox.sendDocument(gif, 'receipt.jpg', 'image/jpeg', { messageId });
		expect(await waitFor(() => (inbox.reactionsOn(messageId).length > reactions ? inbox.reactionsOn(messageId).at(-1) : undefined), 30_000)).toBe('❌');
		await inbox.waitUntilHandled(messageId);
		expect(inbox.fakes.whatsapp.sentTexts(SENDER)).toHaveLength(replies);
	});
});
