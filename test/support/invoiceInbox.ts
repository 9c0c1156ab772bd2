/**
 * The shipped invoice-inbox workflow running in a real n8n against the contract fakes, with a Qonto history in
 * which the sample receipts' card payments can be found. Shared by the demo (scripts/demo.ts) and the
 * end-to-end test of the workflow, so that what the demo shows is what the test proves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	buildEnvelope,
	loadSampleReceipts,
	makeTransaction,
	metaJson,
	parseAmount,
	parseDayFirstDate,
	sampleMessage,
	signWebhook,
	stamp,
	startAllFakes,
	type AllFakes,
	type SampleReceipt,
} from '../contract-fakes';
import { REPO_ROOT, startN8n, type N8nInstance, type WorkflowJson } from '../harness';

export const WORKFLOW_FILE = join(REPO_ROOT, 'workflows/invoice-inbox.json');
export const APP_SECRET = 'demo-app-secret';
export const VERIFY_TOKEN = 'demo-verify-token';
/** The sender of every demo message (a Malaysian number: the sample receipts are Malaysian). */
export const SENDER = '60123456789';
/** Rough MYR → EUR rate for the card payments of the demo history. */
const EUR_PER_MYR = 0.2;

export interface InvoiceInbox {
	fakes: AllFakes;
	n8n: N8nInstance;
	workflow: WorkflowJson;
	/** The plain data of the imported credentials, by credential id. */
	credentialData: Record<string, Record<string, string>>;
	webhookUrl: string;
	receipts: SampleReceipt[];
	/**
	 * Posts a signed WhatsApp document message; returns its message id. `declaredSize` is what the media metadata
	 * announces; `messageId` repeats an earlier message, as Meta does when it delivers again.
	 */
	sendDocument(bytes: Buffer, fileName: string, mimeType: string, options?: { declaredSize?: number; messageId?: string }): Promise<string>;
	/** Waits until the message carries ✅ or ❌ (or the time runs out) and returns it. */
	waitForFinalReaction(messageId: string, timeoutMs?: number): Promise<string | undefined>;
	/** Posts a text message and waits for the next text sent back to the sender (undefined if none comes). */
	sendTextAndWaitForAnswer(body: string, timeoutMs?: number): Promise<{ messageId: string; answer: string | undefined }>;
	/** Waits for the text that answers this message (sent after the ❌ reaction). */
	waitForReply(messageId: string, timeoutMs?: number): Promise<string | undefined>;
	stop(options?: { keep?: boolean }): Promise<void>;
}

/** Polls `probe` until it returns something or the time runs out. */
async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value !== undefined || Date.now() > deadline) return value;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

export function loadWorkflow(): WorkflowJson {
	return JSON.parse(readFileSync(WORKFLOW_FILE, 'utf8')) as WorkflowJson;
}

/**
 * A Qonto history for the sample receipts: the card payment of each (in MYR, booked in EUR, settled the next
 * day) except the last receipt's, which is "not in Qonto yet" — plus everyday spending around the same dates.
 */
export function demoTransactions(receipts: SampleReceipt[], bankAccountId: string) {
	return receipts.flatMap((receipt, index) => {
		const date = parseDayFirstDate(receipt.truth.date);
		const total = parseAmount(receipt.truth.total);
		if (!date || total === null) return [];
		const emitted = new Date(`${date}T12:30:00.000Z`);
		const settled = new Date(emitted.getTime() + 26 * 3600 * 1000);
		const localCents = Math.round(total * 100);
		const eurCents = Math.round(localCents * EUR_PER_MYR);
		const card = (label: string, local: number, eur: number, hours: number) =>
			makeTransaction({
				bank_account_id: bankAccountId,
				side: 'debit',
				operation_type: 'card',
				status: 'completed',
				label,
				clean_counterparty_name: null,
				currency: 'EUR',
				amount_cents: eur,
				local_amount_cents: local,
				local_amount: local / 100,
				local_currency: 'MYR',
				emitted_at: new Date(emitted.getTime() + hours * 3600 * 1000).toISOString(),
				settled_at: new Date(settled.getTime() + hours * 3600 * 1000).toISOString(),
				attachment_ids: [],
			});
		const everyday = [card('GRAB *RIDE KUALA LUMPUR', 1850, 370, -20), card('STARBUCKS KLCC', 2290, 458, 30)];
		return index === receipts.length - 1 ? everyday : [card(receipt.truth.company.slice(0, 22), localCents, eurCents, 0), ...everyday];
	});
}

export async function startInvoiceInbox(options: { label?: string; ports?: { n8n?: number } } = {}): Promise<InvoiceInbox> {
	const fakes = await startAllFakes();
	try {
		const receipts = loadSampleReceipts();
		fakes.qonto.setTransactions(demoTransactions(receipts, String(fakes.qonto.mainBankAccount.id)));
		const workflow = { ...loadWorkflow(), id: 'InvoiceInbox0001' };
		const credentials = fakes.credentials;
		const credentialData = {
			whatsAppCloudApiCredential: { accessToken: credentials.whatsapp.accessToken, phoneNumberId: credentials.whatsapp.phoneNumberId, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, baseUrl: credentials.whatsapp.graphBaseUrl, apiVersion: 'v24.0' },
			mindeeExtractionApiCredential: { apiKey: credentials.mindee.apiKey, modelId: credentials.mindee.modelId, baseUrl: credentials.mindee.baseUrl },
			qontoApiCredential: { environment: 'production', login: credentials.qonto.login, secretKey: credentials.qonto.secretKey, baseUrl: credentials.qonto.baseUrl },
		};
		const n8n = await startN8n({
			label: options.label ?? 'invoice-inbox',
			workflows: [workflow],
			credentials: [
				{ id: 'whatsAppCloudApiCredential', name: 'WhatsApp Cloud API', type: 'whatsAppCloudApi', data: credentialData.whatsAppCloudApiCredential },
				{ id: 'mindeeExtractionApiCredential', name: 'Mindee Extraction API', type: 'mindeeExtractionApi', data: credentialData.mindeeExtractionApiCredential },
				{ id: 'qontoApiCredential', name: 'Qonto API', type: 'qontoApi', data: credentialData.qontoApiCredential },
			],
		});
		const webhookUrl = n8n.webhookUrl('WhatsApp Inbox Trigger');
		const deliver = async (message: Record<string, unknown>) => {
			const body = metaJson(buildEnvelope({ messages: [message] }, { phoneNumberId: fakes.whatsapp.phoneNumberId, from: SENDER, contactName: 'Demo Employee' }));
			const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(APP_SECRET, body) }, body });
			if (response.status !== 200) throw new Error(`The trigger answered HTTP ${response.status}: ${await response.text()}`);
			return String(message.id);
		};
		return {
			fakes,
			n8n,
			workflow,
			credentialData,
			webhookUrl,
			receipts,
			async sendDocument(bytes, fileName, mimeType, { declaredSize, messageId } = {}) {
				const media = fakes.whatsapp.addMedia({ bytes, mimeType, fileName, declaredSize });
				const document = { ...sampleMessage('message__document.json'), context: undefined, document: { filename: fileName, mime_type: mimeType, sha256: media.sha256, id: media.id } };
				return await deliver(stamp(document, { from: SENDER, messageId }));
			},
			async waitForFinalReaction(messageId, timeoutMs = 60_000) {
				const final = await waitFor(() => {
					const reaction = fakes.whatsapp.reactionOn(messageId);
					return reaction === '✅' || reaction === '❌' ? reaction : undefined;
				}, timeoutMs);
				return final ?? fakes.whatsapp.reactionOn(messageId);
			},
			async sendTextAndWaitForAnswer(body, timeoutMs = 30_000) {
				const textsBefore = fakes.whatsapp.sentTexts(SENDER).length;
				const messageId = await deliver(stamp({ ...sampleMessage('message__text.json'), text: { body } }, { from: SENDER }));
				const answer = await waitFor(() => fakes.whatsapp.sentTexts(SENDER)[textsBefore]?.body, timeoutMs);
				return { messageId, answer };
			},
			async waitForReply(messageId, timeoutMs = 30_000) {
				return await waitFor(() => fakes.whatsapp.sentTexts(SENDER).find((text) => text.replyTo === messageId)?.body, timeoutMs);
			},
			async stop(stopOptions = {}) {
				await n8n.stop(stopOptions);
				await fakes.stop();
			},
		};
	} catch (error) {
		await fakes.stop();
		throw error;
	}
}
