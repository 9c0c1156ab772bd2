/**
 * Ask when unsure, remind of missing receipts (issue 13), in a real n8n with the shipped workflows and the contract
 * fakes. The sender closes what the matcher cannot: a question when two payments fit, and — once a week, opt-in — the
 * list of their own card payments without a receipt, where a pick followed by a photo attaches exactly that payment.
 */
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

import { makeTransaction } from '../contract-fakes';
import { nodeOutput } from '../harness';
import { DEFAULT_TEXTS } from '../../src/conversation/texts';
import { ana, receiptPayment, startInvoiceInbox, waitFor, type InvoiceInbox, type Sender } from '../support/invoiceInbox';

const REMINDER_TEMPLATE = 'missing_receipts';
const ben: Sender = { waId: '33612345678', userId: 'US.33612345678', name: 'Ben Okafor' };
const chloe: Sender = { waId: '33698765432', userId: 'US.33698765432', name: 'Chloé Durand' };

describe('ask when unsure, remind of missing receipts', () => {
	let inbox: InvoiceInbox;
	beforeAll(async () => {
		inbox = await startInvoiceInbox({ label: 'ask-and-remind', reminders: { templateName: REMINDER_TEMPLATE } });
		expect(await inbox.activate(ben, acme(), membershipOf('Ben'))).toMatch(/^Bienvenue/);
	});
	afterAll(async () => {
		await inbox?.stop();
	});

	const acme = () => inbox.organisations.acme;
	const membershipOf = (firstName: string) => String(acme().memberships.find((member) => member.first_name === firstName)?.id);
	const qonto = () => acme().qonto;
	const bankAccountId = () => String(qonto().mainBankAccount.id);
	const recipient = (sender: Sender) => sender.waId ?? sender.userId ?? '';
	const ledgerRow = async (messageId: string) => (await inbox.n8n.dataTableRows('whatsapp_documents')).find((row) => row.messageId === messageId);
	const choicesTo = (sender: Sender) => inbox.fakes.whatsapp.choicesSentTo(recipient(sender));
	const attachedSha = (transactionId: string) => qonto().attachmentsOf(transactionId).map((attachment) => attachment.sha256);
	const textsAfter = (sender: Sender, count: number) => inbox.fakes.whatsapp.sentTexts(recipient(sender)).slice(count);

	/** Replaces the receipt's own card payment by two identical ones on two cards: only the sender can tell them apart. */
	function twinPayments(receipt: ReturnType<InvoiceInbox['rescan']>) {
		const first = makeTransaction({ ...receiptPayment(receipt, bankAccountId()), card_last_digits: '1111' });
		const second = makeTransaction({ ...first, id: randomUUID(), transaction_id: `super-transaction-${Date.now()}`, card_last_digits: '2222' });
		const others = qonto().transactions().filter((transaction) => transaction.label !== first.label);
		qonto().setTransactions([...others, first, second]);
		return [first, second];
	}

	/** Sends the receipt, expects ✅ with nothing attached, and returns the question the sender got about it. */
	async function sendAndGetQuestion(receipt: ReturnType<InvoiceInbox['rescan']>) {
		const messageId = await inbox.sendDocument(receipt.bytes, receipt.fileName, 'image/jpeg');
		expect(await inbox.waitForFinalReaction(messageId)).toBe('✅');
		const question = await waitFor(() => choicesTo(ana).find((choices) => choices.rows.some((row) => row.id.startsWith(`q:${messageId}:`))), 30_000);
		expect(question).toBeDefined();
		expect(await ledgerRow(messageId)).toMatchObject({ state: 'stored', transactionId: '' });
		return { messageId, question: question as NonNullable<typeof question> };
	}

	async function answer(id: string, title: string, from: Sender = ana) {
		const before = inbox.fakes.whatsapp.sentTexts(recipient(from)).length;
		const messageId = await inbox.sendButtonReply({ id, title }, from);
		const reply = await waitFor(() => textsAfter(from, before).find((text) => text.replyTo === messageId)?.body, 30_000);
		return { messageId, reply };
	}

	test('twin payments: a question with both; a forged choice and a choice for another document are refused; the right one is attached and confirmed', async () => {
		const receipt = inbox.rescan(inbox.receipts[inbox.receipts.length - 1], 'twins');
		const [first, second] = twinPayments(receipt);
		const { messageId, question } = await sendAndGetQuestion(receipt);

		// Two payments and "none of these": reply buttons, each payment recognisable by its card.
		expect(question.kind).toBe('buttons');
		expect(question.rows.map((row) => row.id)).toEqual(expect.arrayContaining([`q:${messageId}:${first.id}`, `q:${messageId}:${second.id}`, `q:${messageId}:none`]));
		expect(question.rows).toHaveLength(3);
		expect(question.body).toContain('1111');
		expect(question.body).toContain('2222');

		// A payment that was never offered (a made-up id) attaches nothing.
		const forged = await answer(`q:${messageId}:${randomUUID()}`, 'forged');
		expect(forged.reply).toBe(DEFAULT_TEXTS.en.questionRefused);
		// Another member answering Ana's question attaches nothing either.
		const notBens = await answer(`q:${messageId}:${first.id}`, '1. first', ben);
		expect(notBens.reply).toBe(DEFAULT_TEXTS.fr.questionRefused);
		// A choice of this payment for another document (one never asked about) is refused too.
		const otherDocument = await answer(`q:wamid.${randomUUID()}:${first.id}`, '1. first');
		expect(otherDocument.reply).toBe(DEFAULT_TEXTS.en.questionRefused);
		expect([...attachedSha(String(first.id)), ...attachedSha(String(second.id))]).toEqual([]);

		const right = await answer(`q:${messageId}:${second.id}`, '2. second');
		expect(right.reply).toMatch(new RegExp(`^Attached to the card payment ${String(second.label)} of .+ on .+\\.$`));
		expect(attachedSha(String(second.id))).toEqual([receipt.sha256]);
		expect(attachedSha(String(first.id))).toEqual([]);
		expect(await ledgerRow(messageId)).toMatchObject({ state: 'matched', transactionId: second.id });

		// The question is closed: answering again changes nothing.
		const again = await answer(`q:${messageId}:${first.id}`, '1. first');
		expect(again.reply).toBe(DEFAULT_TEXTS.en.questionAlreadyAttached);
		expect(attachedSha(String(first.id))).toEqual([]);
		expect(qonto().supplierInvoices().filter((invoice) => invoice.sha256 === receipt.sha256)).toHaveLength(1);
	});

	test('"none of these" keeps the document stored, unattached, for the re-match', async () => {
		const receipt = inbox.rescan(inbox.receipts[0], 'none-of-these');
		const [first, second] = twinPayments(receipt);
		const { messageId } = await sendAndGetQuestion(receipt);

		const none = await answer(`q:${messageId}:none`, 'None of these');
		expect(none.reply).toBe(DEFAULT_TEXTS.en.questionKept);
		const row = await ledgerRow(messageId);
		expect(row).toMatchObject({ state: 'stored', transactionId: '' });
		expect(JSON.parse(String(row?.question))).toMatchObject({ answer: { choice: 'none' } });
		expect([...attachedSha(String(first.id)), ...attachedSha(String(second.id))]).toEqual([]);
		// The 09:00 re-match still takes it up (it is `stored`): it stays unattached while the two payments stay twins.
		const run = await inbox.n8n.runManualTrigger(acme().workflowId, 'Every Day at 09:00');
		expect(run.status).toBe('success');
		expect(nodeOutput(run, 'Plan Re-Match').flatMap((batch) => (batch.documents as Array<{ messageId: string }>).map((document) => document.messageId))).toContain(messageId);
		expect([...attachedSha(String(first.id)), ...attachedSha(String(second.id))]).toEqual([]);
	});

	test('two quick taps on different payments: only the first answer acts, the document is attached once', async () => {
		const receipt = inbox.rescan(inbox.receipts[2], 'two-taps');
		const [first, second] = twinPayments(receipt);
		const { messageId } = await sendAndGetQuestion(receipt);

		const taps = await Promise.all([first, second].map((payment) => inbox.sendButtonReply({ id: `q:${messageId}:${String(payment.id)}`, title: String(payment.label) })));
		for (const tap of taps) await inbox.waitUntilHandled(tap);

		const attached = [first, second].filter((payment) => attachedSha(String(payment.id)).includes(receipt.sha256));
		expect(attached).toHaveLength(1);
		expect(await ledgerRow(messageId)).toMatchObject({ state: 'matched', transactionId: attached[0].id });
		const confirmations = inbox.fakes.whatsapp.sentTexts(recipient(ana)).filter((text) => taps.includes(String(text.replyTo)));
		expect(confirmations.map((text) => text.body)).toEqual([expect.stringMatching(/^Attached to the card payment /)]);
	});

	describe('weekly reminders', () => {
		const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();
		const cardPayment = (initiator: string, label: string, cents: number, days: number, extra: Record<string, unknown> = {}) =>
			makeTransaction({
				bank_account_id: bankAccountId(),
				side: 'debit',
				operation_type: 'card',
				status: 'completed',
				label,
				clean_counterparty_name: label,
				amount_cents: cents,
				currency: 'EUR',
				emitted_at: daysAgo(days),
				settled_at: daysAgo(days),
				initiator_id: initiator,
				card_last_digits: '4242',
				attachment_ids: [],
				...extra,
			});

		test("each member gets only their own card payments without a receipt; a pick then a photo attaches exactly that payment; a template outside 24 hours; REMINDERS OFF", async () => {
			const anas = [cardPayment(membershipOf('Ana'), 'LE PETIT BISTRO', 4_250, 2), cardPayment(membershipOf('Ana'), 'PARKING INDIGO', 1_200, 5), cardPayment(membershipOf('Ana'), 'FNAC PARIS', 8_990, 9)];
			const notListed = [
				cardPayment(membershipOf('Ana'), 'ALREADY HAS ONE', 500, 3, { attachment_ids: [randomUUID()] }),
				cardPayment(membershipOf('Ana'), 'TOO OLD', 700, 40),
				cardPayment(membershipOf('Ana'), 'A TRANSFER', 900, 4, { operation_type: 'transfer' }),
			];
			const bens = [cardPayment(membershipOf('Ben'), 'TAXI G7', 2_300, 1), cardPayment(membershipOf('Ben'), 'SNCF', 6_400, 6)];
			const chloes = [cardPayment(membershipOf('Chloé'), 'BOULANGERIE', 380, 3)];
			qonto().setTransactions([...qonto().transactions(), ...anas, ...notListed, ...bens, ...chloes]);

			// Ana and Ben wrote today (their 24-hour window is open); Chloé activated but sent no document.
			expect(await inbox.activate(chloe, acme(), membershipOf('Chloé'))).toMatch(/^Bienvenue/);
			for (const [sender, receipt] of [[ana, inbox.receipts[4]], [ben, inbox.receipts[1]]] as const) {
				const copy = inbox.rescan(receipt, `${String(sender.name)} writes`);
				expect(await inbox.waitForFinalReaction(await inbox.sendDocument(copy.bytes, copy.fileName, 'image/jpeg', { from: sender }))).toBe('✅');
			}
			const anasBefore = choicesTo(ana).length;
			const bensBefore = choicesTo(ben).length;

			const run = await inbox.n8n.runManualTrigger(acme().workflowId, 'Every Monday at 09:00');
			expect(run.status).toBe('success');

			const anasList = await waitFor(() => choicesTo(ana)[anasBefore], 30_000);
			expect(anasList?.kind).toBe('list');
			expect(anasList?.rows.map((row) => row.id).sort()).toEqual(anas.map((payment) => `n:${String(payment.id)}`).sort());
			expect(anasList?.rows.map((row) => row.title).join(' ')).toContain('LE PETIT BISTRO');
			const bensList = await waitFor(() => choicesTo(ben)[bensBefore], 30_000);
			expect(bensList?.rows.map((row) => row.id).sort()).toEqual(bens.map((payment) => `n:${String(payment.id)}`).sort());
			// Chloé has not written for 24 hours: the approved template, whose quick reply shows her list.
			const [template] = inbox.fakes.whatsapp.templatesSentTo(recipient(chloe));
			expect(template).toMatchObject({ name: REMINDER_TEMPLATE, quickReplyPayloads: ['n:show'] });
			expect(nodeOutput(run, 'Plan Reminders', 0).map((item) => item.recipient).sort()).toEqual([recipient(ana), recipient(ben)].sort());
			expect(nodeOutput(run, 'Plan Reminders', 1).map((item) => item.recipient)).toEqual([recipient(chloe)]);

			// Ana picks the parking payment, then sends a photo of a receipt that would match another payment.
			const parking = anas[1];
			const before = inbox.fakes.whatsapp.sentTexts(recipient(ana)).length;
			const pickId = await inbox.sendListReply({ id: `n:${String(parking.id)}`, title: 'PARKING INDIGO' });
			const picked = await waitFor(() => textsAfter(ana, before).find((text) => text.replyTo === pickId)?.body, 30_000);
			expect(picked).toMatch(/PARKING INDIGO/);
			const photo = inbox.rescan(inbox.receipts[2], 'after-the-pick');
			const photoMessage = await inbox.sendDocument(photo.bytes, photo.fileName, 'image/jpeg');
			expect(await inbox.waitForFinalReaction(photoMessage)).toBe('✅');
			expect(await inbox.waitForReply(photoMessage)).toMatch(/^Attached to the card payment PARKING INDIGO of 12\.00 EUR on .+\.$/);
			expect(attachedSha(String(parking.id))).toEqual([photo.sha256]);
			const ownPayment = receiptPayment(photo, bankAccountId());
			const elsewhere = qonto().transactions().filter((transaction) => transaction.id !== parking.id && attachedSha(String(transaction.id)).includes(photo.sha256));
			expect(elsewhere).toEqual([]);
			expect(ownPayment.label).not.toBe(parking.label);
			expect(await ledgerRow(photoMessage)).toMatchObject({ state: 'matched', transactionId: parking.id });
			// The pick is used once: the next photo is matched as usual.
			const next = inbox.rescan(inbox.receipts[3], 'after-the-pick-2');
			expect(await inbox.waitForFinalReaction(await inbox.sendDocument(next.bytes, next.fileName, 'image/jpeg'))).toBe('✅');
			expect(attachedSha(String(parking.id))).toEqual([photo.sha256]);

			// Chloé taps the template's quick reply: her list, with only her payment.
			const chloesBefore = choicesTo(chloe).length;
			await inbox.sendQuickReply({ payload: 'n:show', text: 'Show them' }, chloe);
			const chloesList = await waitFor(() => choicesTo(chloe)[chloesBefore], 30_000);
			expect(chloesList?.rows.map((row) => row.id)).toEqual(chloes.map((payment) => `n:${String(payment.id)}`));

			// REMINDERS OFF: Ana is left out of the next run, and says so in the run.
			const { answer: off } = await inbox.sendTextAndWaitForAnswer('Reminders off');
			expect(off).toBe(DEFAULT_TEXTS.en.nudgesOff);
			const anasLists = choicesTo(ana).length;
			const second = await inbox.n8n.runManualTrigger(acme().workflowId, 'Every Monday at 09:00');
			expect(second.status).toBe('success');
			expect(nodeOutput(second, 'Not Reminded').filter((item) => item.recipient === recipient(ana)).map((item) => item.reason)).toEqual(['reminders turned off']);
			expect(choicesTo(ana)).toHaveLength(anasLists);
		});
	});
});
