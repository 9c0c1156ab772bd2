/**
 * After the message (issue 12), in a real n8n with the shipped workflows: a receipt whose card payment is not in
 * Qonto yet is stored unmatched; when the payment appears — Qonto's signed transaction webhook, or the 09:00 run as
 * the safety net — the stored document is attached to it and the sender is told which payment. The 09:00 run also
 * ends the access of a member whose Qonto membership is no longer active.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

import { makeTransaction } from '../contract-fakes';
import { nodeOutput } from '../harness';
import { DEFAULT_TEXTS } from '../../src/conversation/texts';
import { QONTO_WEBHOOK_SECRET, receiptPayment, startInvoiceInbox, waitFor, type InvoiceInbox, type Sender } from '../support/invoiceInbox';

describe('after the message: the payment appears later', () => {
	let inbox: InvoiceInbox;
	beforeAll(async () => {
		inbox = await startInvoiceInbox({ label: 'after-the-message' });
	});
	afterAll(async () => {
		await inbox?.stop();
	});

	const acme = () => inbox.organisations.acme;
	const bankAccountId = () => String(acme().qonto.mainBankAccount.id);
	const ledgerRow = async (messageId: string) => (await inbox.n8n.dataTableRows('whatsapp_documents')).find((row) => row.messageId === messageId);

	/** Sends a receipt whose payment is not in Qonto: ✅, stored, attached to nothing. */
	async function sendBeforeItsPayment(label: string) {
		const receipt = inbox.rescan(inbox.receipts[inbox.receipts.length - 1], label);
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
		expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
		const qonto = acme().qonto;
		expect(qonto.supplierInvoices().filter((invoice) => invoice.sha256 === receipt.sha256)).toHaveLength(1);
		expect(qonto.attachments().filter((attachment) => attachment.sha256 === receipt.sha256 && attachment.transactionId)).toHaveLength(0);
		expect(await ledgerRow(messageId)).toMatchObject({ state: 'stored', transactionId: '' });
		return { receipt, messageId };
	}

	/** Books the receipt's card payment in the Qonto stand-in (with another payment the same day). */
	function bookPayment(receipt: ReturnType<InvoiceInbox['rescan']>) {
		const payment = receiptPayment(receipt, bankAccountId());
		const qonto = acme().qonto;
		qonto.setTransactions([...qonto.transactions(), payment, makeTransaction({ bank_account_id: bankAccountId(), side: 'debit', operation_type: 'card', status: 'completed', label: 'SHELL SEKSYEN 7', amount_cents: 900, currency: 'EUR', emitted_at: payment.emitted_at, settled_at: payment.settled_at, attachment_ids: [] })]);
		return payment;
	}

	async function expectAttachedAndTold(messageId: string, receipt: ReturnType<InvoiceInbox['rescan']>, payment: Record<string, unknown>) {
		const qonto = acme().qonto;
		const attached = await waitFor(() => (qonto.attachmentsOf(String(payment.id)).length > 0 ? qonto.attachmentsOf(String(payment.id)) : undefined), 60_000);
		expect(attached?.map((attachment) => attachment.sha256)).toEqual([receipt.sha256]);
		const told = await inbox.waitForReply(messageId, 30_000);
		expect(told).toMatch(new RegExp(`^Attached to the card payment ${String(payment.label)} of .+ on .+\\.$`));
		expect(await waitFor(async () => ((await ledgerRow(messageId))?.state === 'matched' ? ledgerRow(messageId) : undefined), 30_000)).toMatchObject({ state: 'matched', transactionId: payment.id });
	}

	test("Qonto's signed transaction webhook: the stored receipt is attached to the new payment within seconds, and the sender is told", async () => {
		const { receipt, messageId } = await sendBeforeItsPayment('webhook');
		const payment = bookPayment(receipt);
		const callbackUrl = inbox.n8n.webhookUrl({ workflowId: acme().workflowId, node: 'Qonto Payment Appeared' });
		// The subscription the admin created in Qonto by hand, its secret pasted into the Qonto credential.
		acme().qonto.addWebhookSubscription({ callbackUrl, secret: QONTO_WEBHOOK_SECRET });
		const [delivery] = await acme().qonto.deliverTransactionEvent('created', payment);
		expect(delivery.status).toBe(200);
		await expectAttachedAndTold(messageId, receipt, payment);
	});

	test('no webhook: the 09:00 run attaches it (run from the test, not at 9:00)', async () => {
		const { receipt, messageId } = await sendBeforeItsPayment('daily-run');
		const payment = bookPayment(receipt);
		const run = await inbox.n8n.runManualTrigger(acme().workflowId, 'Every Day at 09:00');
		expect(run.status).toBe('success');
		await expectAttachedAndTold(messageId, receipt, payment);
	});

	test('a member whose Qonto membership ended is unlinked by the 09:00 run; their next document is refused and nothing is stored', async () => {
		const ben: Sender = { waId: '33612345678', userId: 'US.33612345678', name: 'Ben Okafor' };
		const membership = acme().memberships.find((candidate) => candidate.first_name === 'Ben');
		expect(await inbox.activate(ben, acme(), String(membership?.id))).toMatch(/^Bienvenue/);

		acme().qonto.setMemberships(acme().memberships.map((candidate) => (candidate.id === membership?.id ? { ...candidate, status: 'revoked' } : candidate)));
		try {
			const run = await inbox.n8n.runManualTrigger(acme().workflowId, 'Every Day at 09:00');
			expect(run.status).toBe('success');
			// For the admin: the active members nobody linked yet (Chloé; Ana is linked), with their activation links.
			const [page] = nodeOutput(run, 'Links for Not Activated');
			expect(String(page.html)).toContain('Chloé');
			expect(String(page.html)).not.toContain('Ana Martin');
			const rows = await inbox.n8n.dataTableRows('whatsapp_members');
			expect(rows.filter((row) => row.waId === ben.waId)).toEqual([expect.objectContaining({ organisationId: '', membershipId: membership?.id })]);

			const before = acme().qonto.supplierInvoices().length;
			const receipt = inbox.rescan(inbox.receipts[0], 'after-access-ended');
			const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg', { from: ben });
			expect(await inbox.waitForReply(messageId, 30_000, ben)).toBe(DEFAULT_TEXTS.fr.accessEnded);
			await inbox.waitUntilHandled(messageId);
			expect(acme().qonto.supplierInvoices()).toHaveLength(before);
		} finally {
			acme().qonto.setMemberships(acme().memberships);
		}
	});
});
