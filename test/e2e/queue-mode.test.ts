// n8n's queue mode, as teams run it under load: `n8n start` (main) + 2 `n8n worker` processes + an `n8n webhook`
// process, on PostgreSQL and Redis (installed from Debian's packages and started by scripts/postgres.mjs and
// scripts/redis.mjs), this package installed once in the user folder all processes share, binary data in the database.
// The shipped workflows must behave exactly as in one process: the same results, spread over both workers, nothing lost
// or doubled in a burst, and a worker killed mid-document must not leave the sender without an answer.
import { deliverDuplicates } from '../../scripts/bench-duplicates';
import { startInvoiceInbox, waitFor, type InvoiceInbox } from '../support/invoiceInbox';
import { expectSampleReceiptsFiled } from '../support/sampleReceipts';

jest.setTimeout(600_000);

const BURST = 20;

describe('queue mode: main + 2 workers + a webhook process', () => {
	let inbox: InvoiceInbox;
	// Manual runs (▶ Set Up Data Tables) stay on main, as n8n does unless told to offload them.
	const inboxExecutions = async () =>
		(await inbox.n8n.listExecutions(inbox.workflow.id as string)).filter((execution) => execution.mode !== 'manual').map((execution) => execution.id);

	beforeAll(async () => {
		inbox = await startInvoiceInbox({
			label: 'queue-mode-e2e',
			queue: { workers: 2, webhookProcess: true },
			// A quick sweep, so that the document of a killed worker is taken up within the test.
			sweep: { everySeconds: 5, abandonedAfterMinutes: 0.5, firstRetryMinutes: 0.1, giveUpAfterMinutes: 4 },
		});
	});
	afterAll(async () => await inbox?.stop());

	test('every process is up with the package loaded, and the webhooks are served by the webhook process', () => {
		expect(inbox.n8n.processes().map((process) => process.name).sort()).toEqual(['main', 'webhook', 'worker1', 'worker2']);
		expect(inbox.webhookUrl.startsWith(`${inbox.n8n.webhookBaseUrl}/webhook/`)).toBe(true);
		expect(inbox.n8n.webhookBaseUrl).not.toBe(inbox.n8n.baseUrl);
		for (const name of ['worker1', 'worker2', 'webhook']) expect(inbox.n8n.logs(name)).not.toMatch(/Failed to load package|Unrecognized node type/);
	});

	test('each sample receipt ends ✅, stored once and attached to its own payment — the same results as in one process, its file kept in the database', async () => {
		await expectSampleReceiptsFiled(inbox);
		// The files went through n8n's database (queue mode's binary data mode), which every process reads: no local folder.
		const [binaries] = await inbox.n8n.queryDatabase<{ files: number }>('SELECT count(*)::int AS files FROM binary_data');
		expect(binaries.files).toBeGreaterThanOrEqual(inbox.receipts.length);
	});

	test(`${BURST} different documents at once: each ✅ exactly once, none lost, none stored twice, run on both workers`, async () => {
		const { qonto } = inbox.fakes;
		const documents = Array.from({ length: BURST }, (_, index) => inbox.rescan(inbox.receipts[index % (inbox.receipts.length - 1)], `burst ${index}`));
		const invoicesBefore = qonto.supplierInvoices().length;
		const messageIds = await Promise.all(documents.map((document) => inbox.sendDocument(document.bytes, document.fileName, 'image/jpeg')));
		const finals = await Promise.all(messageIds.map((id) => inbox.waitForFinalReaction(id, 180_000)));
		expect(finals).toEqual(messageIds.map(() => '✅'));
		for (const id of messageIds) expect(inbox.reactionsOn(id)).toEqual(['🔎', '✅']);
		const stored = qonto.supplierInvoices().slice(invoicesBefore);
		expect(stored.map((invoice) => invoice.sha256).sort()).toEqual(documents.map((document) => document.sha256).sort());

		// Every execution of the inbox (messages, the sweep) ran on a worker, and both workers took their share.
		const byWorker = inbox.n8n.executionsByWorker();
		const ranOnWorkers = new Set(Object.values(byWorker).flat());
		expect((await inboxExecutions()).filter((id) => !ranOnWorkers.has(id))).toEqual([]);
		expect(byWorker.worker1.length).toBeGreaterThan(0);
		expect(byWorker.worker2.length).toBeGreaterThan(0);
	});

	test('the same delivery posted 10 times at once, picked up by both workers: one download, one extraction, one invoice, one 🔎', async () => {
		const receipt = inbox.rescan(inbox.receipts[0], 'redelivered in queue mode');
		const round = await deliverDuplicates(inbox, receipt, { messageId: `wamid.queue-duplicates-${Date.now()}`, copies: 10 });
		expect(round.lost).toBe(0);
		expect(round.sent).toBe(10);
		expect(round.claimWinners).toHaveLength(1);
		expect({ invoices: round.invoices, downloads: round.downloads, extractions: round.extractions }).toEqual({ invoices: 1, downloads: 1, extractions: 1 });
		expect(round.reactions.filter((reaction) => reaction === '🔎')).toHaveLength(1);
		expect(round.finalReaction).toBe('✅');
	});

	test('a worker killed (SIGKILL) while it reads a document: the sweep finishes it on the other worker, ✅, stored once', async () => {
		const { qonto, mindee } = inbox.fakes;
		const receipt = inbox.rescan(inbox.receipts[1], 'worker killed');
		const enqueued = mindee.requests({ route: 'v2.enqueue' }).length;
		// Mindee takes its time with this one, so that it is half-way (🔎, downloaded, being read) when its worker dies.
		mindee.delayNext('v2.enqueue', 60_000, { times: 1 });
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
		expect(await waitFor(() => (inbox.fakes.whatsapp.reactionOn(messageId) === '🔎' && mindee.requests({ route: 'v2.enqueue' }).length > enqueued ? true : undefined), 30_000)).toBe(true);

		// The worker running it: the one that started the running execution of the inbox.
		const running = await inbox.n8n.api<{ data: Array<{ id: string | number }> }>(`/executions?workflowId=${inbox.workflow.id}&status=running`);
		const runningIds = running.data.map((execution) => String(execution.id));
		const victim = Object.entries(inbox.n8n.executionsByWorker()).find(([, ids]) => ids.some((id) => runningIds.includes(id)))?.[0];
		expect(victim).toBeDefined();
		await inbox.n8n.killProcess(victim as string, 'SIGKILL');
		expect(inbox.n8n.processes().map((process) => process.name)).not.toContain(victim);

		// Not silent: the sweep (on the surviving worker) takes the abandoned document up again and finishes it.
		expect(await inbox.waitForFinalReaction(messageId, 180_000)).toBe('✅');
		expect(qonto.supplierInvoices().filter((invoice) => invoice.sha256 === receipt.sha256)).toHaveLength(1);
		const ledger = await waitFor(async () => (await inbox.n8n.dataTableRows('whatsapp_documents')).find((row) => row.messageId === messageId && row.state !== 'processing'), 30_000);
		expect(['matched', 'stored']).toContain(ledger?.state);
		expect(Number(ledger?.attempts)).toBeGreaterThanOrEqual(1);

		// The killed worker comes back (as under a supervisor) and the pair goes on working.
		await inbox.n8n.startProcess(victim as string);
		const after = inbox.rescan(inbox.receipts[2], 'after the restart');
		const next = await inbox.sendDocument(after.bytes, after.fileName, 'image/jpeg');
		expect(await inbox.waitForFinalReaction(next, 60_000)).toBe('✅');
	});
});
