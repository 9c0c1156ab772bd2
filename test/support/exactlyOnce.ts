/**
 * Exactly-once cases shared by the SQLite and the PostgreSQL end-to-end suites: the same checks, whatever database
 * holds n8n's Data Tables.
 */
import { waitFor, type InvoiceInbox } from './invoiceInbox';

/** A stored message delivered again after the Qonto stand-in forgot its idempotency keys: the same ✅, still one invoice. */
export async function expectRedeliveryAfterKeysForgotten(inbox: InvoiceInbox, receiptIndex: number, keyLifetimeMs: number): Promise<void> {
	const { qonto } = inbox.fakes;
	const receipt = inbox.receipts[receiptIndex];
	const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
	expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
	const invoices = qonto.supplierInvoices().length;
	await new Promise((resolve) => setTimeout(resolve, keyLifetimeMs + 1_000));
	const reactions = inbox.reactionsOn(messageId).length;
	await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg', { messageId });
	expect(await waitFor(() => (inbox.reactionsOn(messageId).length > reactions ? inbox.reactionsOn(messageId).at(-1) : undefined), 30_000)).toBe('✅');
	expect(qonto.supplierInvoices()).toHaveLength(invoices);
}

/**
 * The file of an already stored message (receiptIndex: a receipt this inbox has stored) sent again as a new message:
 * ✅ and "already received", not read or stored again; a new photo of the same receipt (other bytes) is a new document.
 */
export async function expectSameFileNotStoredAgain(inbox: InvoiceInbox, receiptIndex: number): Promise<void> {
	const { qonto, mindee } = inbox.fakes;
	const receipt = inbox.receipts[receiptIndex];
	const invoices = qonto.supplierInvoices().length;
	const extractions = mindee.requests({ route: 'v2.enqueue' }).length;
	const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
	expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
	const today = new Date().toLocaleDateString('en-US', { dateStyle: 'long', timeZone: 'UTC' });
	expect(await inbox.waitForReply(messageId)).toBe(`This document was already received on ${today} and is in Qonto: it was not stored again.`);
	expect(qonto.supplierInvoices()).toHaveLength(invoices);
	expect(mindee.requests({ route: 'v2.enqueue' })).toHaveLength(extractions);
	const row = await waitFor(async () => (await inbox.n8n.dataTableRows('whatsapp_documents')).find((candidate) => candidate.messageId === messageId && candidate.state === 'stored'), 30_000);
	expect(String(row?.reason)).toMatch(/^same file as message wamid\./);

	const again = inbox.rescan(receipt, 'photographed again');
	const second = await inbox.sendDocument(again.bytes, again.fileName, 'image/jpeg');
	expect(await inbox.waitForFinalReaction(second)).toBe('✅');
	expect(qonto.supplierInvoices()).toHaveLength(invoices + 1);
}
