/**
 * The inbox's main result, shared by the one-process and the queue-mode suites so that both prove the same thing: each
 * sample receipt sent as a photo ends ✅, is stored once in Qonto and attached to its own card payment (the sender told
 * which one), the last one (no payment in Qonto yet) stored unmatched, nothing attached anywhere else.
 */
import type { InvoiceInbox } from './invoiceInbox';

export async function expectSampleReceiptsFiled(inbox: InvoiceInbox): Promise<void> {
	const { qonto } = inbox.fakes;
	for (const [index, receipt] of inbox.receipts.entries()) {
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
		expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
		// 🔎 came first, then ✅ replaced it.
		expect(inbox.reactionsOn(messageId)).toEqual(['🔎', '✅']);

		const stored = qonto.supplierInvoices().filter((invoice) => invoice.sha256 === receipt.sha256);
		expect(stored).toHaveLength(1);
		const expectedPayment = qonto.transactions().find((transaction) => transaction.label === receipt.truth.company.slice(0, 22));
		if (index === inbox.receipts.length - 1) {
			expect(expectedPayment).toBeUndefined();
			expect(qonto.attachments().filter((attachment) => attachment.sha256 === receipt.sha256 && attachment.transactionId)).toHaveLength(0);
		} else {
			expect(expectedPayment).toBeDefined();
			const attached = qonto.attachmentsOf(String(expectedPayment!.id));
			expect(attached.map((attachment) => attachment.sha256)).toEqual([receipt.sha256]);
			// Told before ✅ which payment it went to: merchant as on the statement, the amount paid in MYR, the day.
			expect(await inbox.waitForReply(messageId, 5_000)).toMatch(new RegExp(`^Attached to the card payment ${escapeRegExp(String(expectedPayment!.label))} of [\\d.,]+ MYR on \\d{1,2} [A-Z][a-z]+ \\d{4}\\.$`));
		}
	}
	// Nothing was attached anywhere else.
	expect(qonto.attachments().filter((attachment) => attachment.transactionId)).toHaveLength(inbox.receipts.length - 1);
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
