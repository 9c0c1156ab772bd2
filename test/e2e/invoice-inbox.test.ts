// The shipped workflow (workflows/invoice-inbox.json) in a real n8n against the contract fakes: every sample
// receipt ends in ✅ or ❌, matched ones are attached to their payment, and bad input gets ❌ and a reason.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { WORKFLOWS_DIR, loadWorkflow, startInvoiceInbox, type InvoiceInbox } from '../support/invoiceInbox';
import { expectSampleReceiptsFiled } from '../support/sampleReceipts';

jest.setTimeout(300_000);

async function waitUntil(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

describe('the invoice inbox workflow', () => {
	let inbox: InvoiceInbox;
	beforeAll(async () => {
		inbox = await startInvoiceInbox({ label: 'invoice-inbox-e2e' });
	});
	afterAll(async () => await inbox?.stop());

	test('every node of every shipped workflow is a type and version this n8n has, and none is deprecated', async () => {
		// n8n 2.43+ refuses to import a workflow with a node whose description (for its version) says `deprecated`.
		const response = await fetch(`${inbox.n8n.baseUrl}/types/nodes.json`, { headers: { cookie: inbox.n8n.auth.cookie } });
		expect(response.status).toBe(200);
		const descriptions = (await response.json()) as Array<{ name: string; version: number | number[]; deprecated?: boolean; hidden?: boolean }>;
		const descriptionOf = (type: string, version: number) => descriptions.find((candidate) => candidate.name === type && [candidate.version].flat().includes(version));
		const files = readdirSync(WORKFLOWS_DIR).filter((file) => file.endsWith('.json'));
		expect(files).toEqual(expect.arrayContaining(['invoice-inbox.json', 'qonto-organisation.json', 'onboard-members.json', 'admin-alerts.json']));
		const problems = files.flatMap((file) =>
			loadWorkflow(file).nodes.flatMap((node) => {
				const description = descriptionOf(node.type, node.typeVersion);
				if (!description) return [`${file}: ${node.name} (${node.type} v${node.typeVersion}) is unknown to n8n`];
				return description.deprecated ? [`${file}: ${node.name} (${node.type} v${node.typeVersion}) is deprecated`] : [];
			}),
		);
		expect(problems).toEqual([]);
	});

	test('each sample receipt is stored in Qonto and attached to its own card payment, the last one stored unmatched', async () => {
		await expectSampleReceiptsFiled(inbox);
	});

	test('the same message delivered again is not processed again: it ends with the same ✅, stored once', async () => {
		const { qonto, whatsapp, mindee } = inbox.fakes;
		const receipt = inbox.rescan(inbox.receipts[2], 'delivered again');
		const before = qonto.supplierInvoices().length;
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
		expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
		const reactionsAfterFirst = inbox.reactionsOn(messageId).length;
		const downloads = whatsapp.requests({ route: 'media.download' }).length;
		const extractions = mindee.requests({ route: 'v2.enqueue' }).length;
		await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg', { messageId });
		await waitUntil(() => inbox.reactionsOn(messageId).length >= reactionsAfterFirst + 1);
		// Only the final reaction again: no 🔎, no download, no Mindee call, no upload.
		expect(inbox.reactionsOn(messageId).slice(reactionsAfterFirst)).toEqual(['✅']);
		expect(whatsapp.requests({ route: 'media.download' })).toHaveLength(downloads);
		expect(mindee.requests({ route: 'v2.enqueue' })).toHaveLength(extractions);
		expect(qonto.supplierInvoices()).toHaveLength(before + 1);
	});

	test('a failed 🔎 reaction does not stop the document', async () => {
		const { whatsapp, qonto } = inbox.fakes;
		const receipt = inbox.rescan(inbox.receipts[0], 'failed 🔎');
		const before = qonto.supplierInvoices().length;
		whatsapp.failNextSend({ code: 131009 });
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
		expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
		expect(qonto.supplierInvoices()).toHaveLength(before + 1);
	});

	test('a GIF gets ❌ and a reply naming the accepted formats; nothing is stored', async () => {
		const gif = readFileSync(join(__dirname, '../fixtures/files/animation.gif'));
		const before = inbox.fakes.qonto.supplierInvoices().length;
		const messageId = await inbox.sendDocument(gif, 'receipt.jpg', 'image/jpeg');
		expect(await inbox.waitForFinalReaction(messageId)).toBe('❌');
		expect(await inbox.waitForReply(messageId)).toMatch(/PDF, JPEG, PNG, HEIC, HEIF/);
		expect(inbox.fakes.qonto.supplierInvoices()).toHaveLength(before);
	});

	test('a file declared larger than 15 MB gets ❌ and the limit, without being downloaded', async () => {
		const { whatsapp } = inbox.fakes;
		const downloadsBefore = whatsapp.requests({ route: 'media.download' }).length;
		const messageId = await inbox.sendDocument(Buffer.from('%PDF-1.7\n'), 'big.pdf', 'application/pdf', { declaredSize: 16 * 1024 * 1024 });
		expect(await inbox.waitForFinalReaction(messageId)).toBe('❌');
		expect(whatsapp.requests({ route: 'media.download' })).toHaveLength(downloadsBefore);
		expect(await inbox.waitForReply(messageId)).toMatch(/16 MB, larger than the limit of 15 MB/);
	});

	test.each([
		['whatsAppCloudApiCredential', 'whatsAppCloudApi'],
		['mindeeExtractionApiCredential', 'mindeeExtractionApi'],
		['qontoApiCredential', 'qontoApi'],
	])("n8n's credential test passes for %s against the stand-in", async (id, type) => {
		const stored = inbox.credentialData[id];
		const response = await inbox.n8n.rest('/credentials/test', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ credentials: { id, name: id, type, data: stored } }),
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ data: { status: 'OK' } });
		const wrong = await inbox.n8n.rest('/credentials/test', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ credentials: { id, name: id, type, data: { ...stored, accessToken: 'wrong', apiKey: 'wrong', secretKey: 'wrong' } } }),
		});
		expect(await wrong.json()).toMatchObject({ data: { status: 'Error' } });
	});

	test('a text message gets the "documents only" answer and no reaction', async () => {
		const { messageId, answer } = await inbox.sendTextAndWaitForAnswer('Hello, can you help me with my card?');
		expect(answer).toMatch(/only takes receipts and supplier invoices/);
		expect(inbox.fakes.whatsapp.reactionOn(messageId)).toBeUndefined();
	});
});
