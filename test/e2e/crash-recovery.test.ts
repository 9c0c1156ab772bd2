// Nothing lost when n8n dies: documents half-way when n8n is killed are finished by the sweep after the restart, and
// none is stored twice. Qonto keeps its idempotency keys for 30 minutes here, as it really does: the sweep's retry of
// a document whose upload had already gone out gets the same invoice back (the claim is the first line, the key the
// second).
import { startInvoiceInbox, waitFor, type InvoiceInbox } from '../support/invoiceInbox';

jest.setTimeout(300_000);

describe('crash recovery', () => {
	let inbox: InvoiceInbox;
	beforeAll(async () => {
		inbox = await startInvoiceInbox({ label: 'crash-e2e', sweep: { everySeconds: 5, abandonedAfterMinutes: 0.5, firstRetryMinutes: 0.1, giveUpAfterMinutes: 4 } });
	});
	afterAll(async () => await inbox?.stop());

	test('n8n killed (SIGKILL) while 5 documents are between 🔎 and ✅: after the restart, the sweep finishes all 5, none stored twice', async () => {
		const { qonto, mindee, whatsapp } = inbox.fakes;
		const receipts = inbox.receipts.slice(0, 5).map((receipt, index) => inbox.rescan(receipt, `crash ${index}`));
		const invoices = qonto.supplierInvoices().length;
		const enqueued = mindee.requests({ route: 'v2.enqueue' }).length;
		// Mindee takes its time with these five, so that they are half-way (🔎, downloaded, being read) when n8n dies.
		mindee.delayNext('v2.enqueue', 15_000, { times: 5 });
		const messageIds: string[] = [];
		for (const receipt of receipts) messageIds.push(await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg'));
		expect(await waitFor(() => (messageIds.every((id) => whatsapp.reactionOn(id) === '🔎') && mindee.requests({ route: 'v2.enqueue' }).length >= enqueued + 5 ? true : undefined), 30_000)).toBe(true);

		await inbox.n8n.restart({ crash: true });

		for (const id of messageIds) expect(await inbox.waitForFinalReaction(id, 120_000)).toBe('✅');
		const stored = qonto.supplierInvoices().slice(invoices);
		expect(stored.map((invoice) => invoice.sha256).sort()).toEqual(receipts.map((receipt) => receipt.sha256).sort());
		// The ledger is written just after ✅.
		const ledger = await waitFor(async () => {
			const rows = (await inbox.n8n.dataTableRows('whatsapp_documents')).filter((row) => messageIds.includes(String(row.messageId)));
			return rows.length === 5 && rows.every((row) => row.state === 'matched' || row.state === 'stored') ? rows : undefined;
		}, 30_000);
		expect(ledger?.every((row) => Number(row.attempts) >= 1)).toBe(true);
	});

});
