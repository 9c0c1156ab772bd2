/**
 * n8n 1.x smoke test: the package installed into a pinned n8n 1.123 (the last 1.x line), the shipped workflows
 * imported, and one receipt taken from WhatsApp to ✅, stored in Qonto and attached to its payment. The 1.x runtime is
 * installed by `node scripts/n8n-runtime.mjs install --n8n 1.123.81` (test:e2e does it).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

import { startInvoiceInbox, type InvoiceInbox } from '../support/invoiceInbox';

export const N8N_1X_VERSION = '1.123.81';

describe(`the invoice inbox on n8n ${N8N_1X_VERSION}`, () => {
	let inbox: InvoiceInbox;
	beforeAll(async () => {
		inbox = await startInvoiceInbox({ label: 'n8n-1x-smoke', n8nVersion: N8N_1X_VERSION });
	});
	afterAll(async () => {
		await inbox?.stop();
	});

	test('a receipt from a member ends ✅, stored in Qonto and attached to its card payment', async () => {
		const receipt = inbox.receipts[0];
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
		expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
		expect(inbox.reactionsOn(messageId)).toEqual(['🔎', '✅']);

		const { qonto } = inbox.fakes;
		expect(qonto.supplierInvoices().map((invoice) => invoice.sha256)).toEqual([receipt.sha256]);
		const payment = qonto.transactions().find((transaction) => transaction.label === receipt.truth.company.slice(0, 22));
		expect(qonto.attachments().filter((attachment) => attachment.transactionId)).toEqual([
			expect.objectContaining({ sha256: receipt.sha256, transactionId: String(payment?.id) }),
		]);
	});
});
