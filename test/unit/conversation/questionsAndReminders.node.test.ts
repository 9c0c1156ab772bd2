/**
 * Asking when unsure and weekly reminders, through the Invoice Inbox node with n8n's parameter handling stood in:
 * Compose Question (Ask / Nothing to Ask), Check Answer (Attach / Keep / Refused), Plan Reminders (List / Template /
 * Not Sent) and Route Message's Choices and Answer outputs, with the reminder state saved as JSON text. The decisions
 * themselves are tested in question/nudges/decide tests; here: what each output item carries, and that the operations
 * chain the way the workflow wires them (question → ledger row → answer; plan → member row → tap).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { InvoiceInbox } from '../../../nodes/InvoiceInbox/InvoiceInbox.node';
import { DEFAULT_TEXTS } from '../../../src/conversation/texts';
import type { MatchCandidate } from '../../../src/matching/types';
import { createExecuteContext } from '../../support/executeContext';
import { candidate as matchCandidate, transaction } from '../matching/builders';

const node = new InvoiceInbox();
const NOW = Date.now();
const hoursAgo = (hours: number) => new Date(NOW - hours * 3_600_000).toISOString();
const daysAgo = (days: number) => hoursAgo(days * 24);

const DOCUMENT = 'wamid.DOC1';
const SENDER = { waId: '33612345678', userId: 'FR.1234' }; // a French number
const credentials = { invoiceInboxActivationApi: { activationSecret: 'node-test-secret-0123456789abcdef' } };

/** Runs the node on input 0 (and input 1 when given), with the parameters. */
async function run(parameters: IDataObject | ((itemIndex: number) => IDataObject), items: INodeExecutionData[], second?: INodeExecutionData[]) {
	const { context } = createExecuteContext({ items, parameters, credentials });
	if (second) context.getInputData.mockImplementation(((inputIndex = 0) => (inputIndex === 1 ? second : items)) as never);
	return await node.execute.call(context);
}
const items = (...jsons: IDataObject[]): INodeExecutionData[] => jsons.map((json) => ({ json }));
const parsed = (value: unknown) => JSON.parse(value as string) as IDataObject;

/** The builder's candidate, dated three days ago (the node compares with the real clock). */
const candidate = (changes: Partial<MatchCandidate>) => matchCandidate({ date: daysAgo(3).slice(0, 10), emittedAt: daysAgo(3), ...changes });
const amazon = candidate({ transactionId: 'tx-amazon', label: 'AMAZON EU SARL', counterpartyName: 'AMAZON EU', amountCents: 2390, cardLastDigits: '1234' });
const urssaf = candidate({ transactionId: 'tx-urssaf', label: 'PRLV SEPA URSSAF', counterpartyName: 'URSSAF', amountCents: 250000, paymentKind: 'transfer', emittedAt: null });

const questionParameters = { operation: 'composeQuestion', documentMessageId: DOCUMENT, organisationId: 'acme', waId: SENDER.waId, userId: SENDER.userId, candidates: [amazon, urssaf], language: 'en', texts: '{}' };

describe('Invoice Inbox: Compose Question', () => {
	test('declares its two outputs', () => {
		expect(node.description.outputs).toContain('"displayName":"Ask"');
		expect(node.description.outputs).toContain('"displayName":"Nothing to Ask"');
	});

	test('candidates: one item on Ask for the sender, with the question to keep, the body, the button and a row per payment then "none"', async () => {
		const [ask, nothing] = await run(questionParameters, items({ messageId: DOCUMENT, supplierInvoiceId: 'inv-1' }));
		expect(nothing).toEqual([]);
		expect(ask).toHaveLength(1);
		const json = ask[0].json;
		expect(ask[0].pairedItem).toEqual({ item: 0 });
		expect(json).toMatchObject({ messageId: DOCUMENT, supplierInvoiceId: 'inv-1', recipient: SENDER.waId, documentMessageId: DOCUMENT, button: DEFAULT_TEXTS.en.questionButton });
		expect(typeof json.question).toBe('string');
		const question = parsed(json.question);
		expect(question).toMatchObject({ organisationId: 'acme', waId: SENDER.waId, userId: SENDER.userId });
		expect(Math.abs(Date.parse(question.askedAt as string) - Date.now())).toBeLessThan(60_000);
		expect((question.payments as IDataObject[]).map((payment) => payment.id)).toEqual(['tx-amazon', 'tx-urssaf']);
		expect(question.answer).toBeUndefined();
		const rows = json.rows as IDataObject[];
		expect(rows.map((row) => row.id)).toEqual([`q:${DOCUMENT}:tx-amazon`, `q:${DOCUMENT}:tx-urssaf`, `q:${DOCUMENT}:none`]);
		expect(rows[2].title).toBe(DEFAULT_TEXTS.en.questionNone);
		const body = json.body as string;
		expect(body.split('\n')[0]).toBe('Which payment is this document for?');
		expect(body).toContain('AMAZON EU');
		expect(body).toContain('23.90 EUR');
		expect(body).toContain('URSSAF');
	});

	test('candidates as typed JSON text are read the same', async () => {
		const [ask] = await run({ ...questionParameters, candidates: JSON.stringify([amazon]) }, items({}));
		expect((ask[0].json.rows as IDataObject[]).map((row) => row.id)).toEqual([`q:${DOCUMENT}:tx-amazon`, `q:${DOCUMENT}:none`]);
	});

	test('a sender without a phone number is asked by their user id', async () => {
		const [ask] = await run({ ...questionParameters, waId: '' }, items({}));
		expect(ask[0].json.recipient).toBe(SENDER.userId);
		expect(parsed(ask[0].json.question)).toMatchObject({ waId: '', userId: SENDER.userId });
	});

	test.each([
		['no candidates', []],
		['nothing readable', [null, 'tx-1', { probability: 0.5 }]],
		['not a list', { transactionId: 'tx-amazon' }],
	])('%s: the item goes to Nothing to Ask unchanged', async (_what, candidates) => {
		const input = { messageId: DOCUMENT, match: { candidates }, keep: 'me' };
		const [ask, nothing] = await run({ ...questionParameters, candidates }, items(input));
		expect(ask).toEqual([]);
		expect(nothing).toEqual([{ json: input, pairedItem: { item: 0 } }]);
	});

	test('each item by its own parameters: one asked, one not, each paired to its item', async () => {
		const [ask, nothing] = await run((itemIndex) => ({ ...questionParameters, documentMessageId: `wamid.${itemIndex}`, candidates: itemIndex === 0 ? [] : [urssaf] }), items({ n: 0 }, { n: 1 }));
		expect(nothing).toEqual([{ json: { n: 0 }, pairedItem: { item: 0 } }]);
		expect(ask.map((item) => [item.json.documentMessageId, item.pairedItem])).toEqual([['wamid.1', { item: 1 }]]);
	});

	test('fr: the question, the button, "none" and the amounts in French', async () => {
		const [ask] = await run({ ...questionParameters, language: 'fr' }, items({}));
		const json = ask[0].json;
		expect((json.body as string).split('\n')[0]).toBe(DEFAULT_TEXTS.fr.questionBody.split('\n')[0]);
		expect(json.body).toContain('23,90 EUR');
		expect(json.button).toBe(DEFAULT_TEXTS.fr.questionButton);
		expect((json.rows as IDataObject[]).at(-1)?.title).toBe(DEFAULT_TEXTS.fr.questionNone);
	});

	test("an admin's edited text is used, the others stay built in", async () => {
		const texts = { fr: { questionBody: 'Quel paiement ?\n{lines}' } };
		const [ask] = await run({ ...questionParameters, language: 'fr', candidates: [amazon], texts }, items({}));
		const lines = (ask[0].json.body as string).split('\n');
		expect(lines[0]).toBe('Quel paiement ?');
		expect(lines[1]).toMatch(/^1\. AMAZON EU · 23,90 EUR/);
		expect(lines).toHaveLength(2);
		expect(ask[0].json.button).toBe(DEFAULT_TEXTS.fr.questionButton);
		// The same edit as JSON text.
		const [again] = await run({ ...questionParameters, language: 'fr', candidates: [amazon], texts: JSON.stringify(texts) }, items({}));
		expect(again[0].json.body).toBe(ask[0].json.body);
	});

	test('an unknown language is English', async () => {
		const [ask] = await run({ ...questionParameters, language: 'xx' }, items({}));
		expect(ask[0].json.button).toBe(DEFAULT_TEXTS.en.questionButton);
	});

	test('Texts that are not JSON is a clear error', async () => {
		await expect(run({ ...questionParameters, texts: '{"fr":' }, items({}))).rejects.toThrow('Texts is not valid JSON');
	});
});

describe('Invoice Inbox: Check Answer', () => {
	async function askedQuestion(candidates: MatchCandidate[] = [amazon, urssaf]): Promise<string> {
		const [[ask]] = await run({ ...questionParameters, candidates }, items({}));
		return ask.json.question as string;
	}
	const ledgerRow = (id: number, question: string, more: IDataObject = {}): INodeExecutionData => ({
		json: { id, messageId: DOCUMENT, organisationId: 'acme', state: 'stored', supplierInvoiceId: 'inv-1', transactionId: '', waId: SENDER.waId, userId: SENDER.userId, question, receivedAt: hoursAgo(1), ...more },
	});
	const answer = (choice: string, more: IDataObject = {}): INodeExecutionData => ({
		json: { to: SENDER.waId, waId: SENDER.waId, userId: null, messageId: 'wamid.ANSWER', answer: { documentMessageId: DOCUMENT, choice }, language: 'en', texts: DEFAULT_TEXTS.en, ...more },
	});
	const check = async (answers: INodeExecutionData[], rows: INodeExecutionData[], parameters: IDataObject = {}) => {
		const [attach, keep, refused] = await run({ operation: 'checkAnswer', ...parameters }, answers, rows);
		return { attach, keep, refused };
	};
	const withAskedAt = (question: string, askedAt: string) => JSON.stringify({ ...parsed(question), askedAt });

	test('declares its two inputs and three outputs', () => {
		expect(node.description.inputs).toContain('"displayName":"Asked Documents"');
		for (const name of ['Attach', 'Keep', 'Refused']) expect(node.description.outputs).toContain(`"displayName":"${name}"`);
	});

	test('an offered payment: Attach, with the organisation, what to attach, the confirmation, the failure text and the answer recorded', async () => {
		const question = await askedQuestion();
		const { attach, keep, refused } = await check([answer('tx-amazon')], [ledgerRow(5, question)]);
		expect([keep, refused]).toEqual([[], []]);
		expect(attach).toHaveLength(1);
		const json = attach[0].json;
		expect(attach[0].pairedItem).toEqual({ item: 0 });
		expect(json).toMatchObject({
			messageId: 'wamid.ANSWER',
			recipient: SENDER.waId,
			documentMessageId: DOCUMENT,
			organisationId: 'acme',
			attachChosen: { supplierInvoiceId: 'inv-1', transactionId: 'tx-amazon' },
			failureText: DEFAULT_TEXTS.en.answerAttachFailed,
			transaction: expect.objectContaining({ id: 'tx-amazon' }),
		});
		expect(json.replyText).toMatch(/^Attached to the card payment AMAZON EU of 23\.90 EUR on .+\.$/);
		const recorded = parsed(json.question);
		expect((recorded.answer as IDataObject).choice).toBe('tx-amazon');
		expect(recorded.payments).toEqual(parsed(question).payments);
		expect(recorded.askedAt).toBe(parsed(question).askedAt);
	});

	test('a transfer is confirmed as a payment, in the language of the answer', async () => {
		const question = await askedQuestion();
		const { attach } = await check([answer('tx-urssaf', { language: 'fr', texts: DEFAULT_TEXTS.fr })], [ledgerRow(5, question)]);
		expect(attach[0].json.replyText).toMatch(/^Joint au paiement URSSAF de 2.500,00 EUR du .+\.$/);
		expect(attach[0].json.failureText).toBe(DEFAULT_TEXTS.fr.answerAttachFailed);
	});

	test('the sender known by their user id alone is the one asked', async () => {
		const question = await askedQuestion();
		const { attach } = await check([answer('tx-amazon', { waId: null, userId: SENDER.userId, to: SENDER.userId })], [ledgerRow(5, question)]);
		expect(attach[0].json).toMatchObject({ recipient: SENDER.userId, attachChosen: { transactionId: 'tx-amazon' } });
	});

	test('"none of these": Keep, with the answer recorded and the reply', async () => {
		const question = await askedQuestion();
		const { attach, keep, refused } = await check([answer('none')], [ledgerRow(5, question)]);
		expect([attach, refused]).toEqual([[], []]);
		expect(keep[0].json).toMatchObject({ recipient: SENDER.waId, documentMessageId: DOCUMENT, replyText: DEFAULT_TEXTS.en.questionKept });
		expect((parsed(keep[0].json.question).answer as IDataObject).choice).toBe('none');
	});

	test.each([
		['a forged payment id', answer('tx-forged'), (question: string) => [ledgerRow(5, question)], 'not_offered', 'questionRefused'],
		['another sender', answer('tx-amazon', { waId: '4915100000000', userId: 'DE.9', to: '4915100000000' }), (question: string) => [ledgerRow(5, question)], 'not_yours', 'questionRefused'],
		['a question asked 49 hours ago (48 by default)', answer('tx-amazon'), (question: string) => [ledgerRow(5, withAskedAt(question, hoursAgo(49)))], 'expired', 'questionExpired'],
		[
			'a payment already attached to another document',
			answer('tx-amazon'),
			(question: string) => [ledgerRow(5, question), ledgerRow(9, '', { messageId: 'wamid.DOC2', state: 'matched', transactionId: 'tx-amazon' })],
			'payment_taken',
			'questionPaymentTaken',
		],
		['a document already attached', answer('tx-amazon'), (question: string) => [ledgerRow(5, question, { state: 'matched', transactionId: 'tx-urssaf' })], 'already_attached', 'questionAlreadyAttached'],
		['a document with no row (the lookup found nothing)', answer('tx-amazon'), () => [{ json: {} }], 'unknown_document', 'questionRefused'],
	] as const)('refused: %s', async (_what, item, rowsFor, reason, textKey) => {
		const { attach, keep, refused } = await check([item], rowsFor(await askedQuestion()));
		expect([attach, keep]).toEqual([[], []]);
		expect(refused).toHaveLength(1);
		expect(refused[0].json).toMatchObject({ reason, replyText: DEFAULT_TEXTS.en[textKey], documentMessageId: DOCUMENT, recipient: item.json.waId });
		expect(refused[0].json.attachChosen).toBeUndefined();
	});

	test('Answer Within (Hours): 47 hours is in time by default, 3 hours is too late with 2', async () => {
		const question = await askedQuestion();
		expect((await check([answer('tx-amazon')], [ledgerRow(5, withAskedAt(question, hoursAgo(47)))])).attach).toHaveLength(1);
		const { refused } = await check([answer('tx-amazon')], [ledgerRow(5, withAskedAt(question, hoursAgo(3)))], { lifetimeHours: 2 });
		expect(refused[0].json).toMatchObject({ reason: 'expired', replyText: DEFAULT_TEXTS.en.questionExpired });
	});

	test("the refusal is in the answer's language, with the inbox's edited texts", async () => {
		const question = await askedQuestion();
		const texts = { ...DEFAULT_TEXTS.de, questionRefused: 'Nein.' };
		const { refused } = await check([answer('tx-forged', { language: 'de', texts })], [ledgerRow(5, question)]);
		expect(refused[0].json.replyText).toBe('Nein.');
	});

	test('several answers in one run: each to its output, paired to its item', async () => {
		const question = await askedQuestion();
		const other = 'wamid.DOC3';
		const otherQuestion = await (async () => {
			const [[ask]] = await run({ ...questionParameters, documentMessageId: other, candidates: [urssaf] }, items({}));
			return ask.json.question as string;
		})();
		const answers = [answer('tx-forged'), { json: { ...answer('none').json, answer: { documentMessageId: other, choice: 'none' } } }, answer('tx-amazon')];
		const { attach, keep, refused } = await check(answers, [ledgerRow(5, question), ledgerRow(6, otherQuestion, { messageId: other })]);
		expect(refused.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(keep.map((item) => [item.json.documentMessageId, item.pairedItem])).toEqual([[other, { item: 1 }]]);
		expect(attach.map((item) => item.pairedItem)).toEqual([{ item: 2 }]);
	});
});

describe('Invoice Inbox: Plan Reminders', () => {
	const ACME = 'acme-sas';
	const ANA = { membershipId: 'm-ana', waId: '33612345678' }; // France
	const BEN = { membershipId: 'm-ben', waId: '4915100000001' }; // Germany
	const CARLA = { membershipId: 'm-carla', waId: '447700900123' };
	const memberRow = (id: number, who: { membershipId: string; waId: string }, more: IDataObject = {}): IDataObject => ({
		id,
		waId: who.waId,
		userId: '',
		name: 'Someone',
		organisationId: ACME,
		organisationName: 'ACME SAS',
		membershipId: who.membershipId,
		isDefault: true,
		subscribed: true,
		language: '',
		lastNoticeOn: '',
		linkedAt: daysAgo(100),
		nudge: '',
		...more,
	});
	const cardPayment = (initiator: string, days: number, changes: Record<string, unknown> = {}) => transaction({ initiator_id: initiator, emitted_at: daysAgo(days), settled_at: daysAgo(days), ...changes });
	const claim = (waId: string, hours: number, messageId = `wamid.${waId}.${hours}`) => ({ id: hours, messageId, waId, userId: '', claimedAt: hoursAgo(hours) });

	const anaRecent = cardPayment(ANA.membershipId, 1, { clean_counterparty_name: 'FNAC' });
	const anaOlder = cardPayment(ANA.membershipId, 5, { clean_counterparty_name: 'AMAZON EU', card_last_digits: '1234' });
	const benOwn = cardPayment(BEN.membershipId, 2);
	const carlaOwn = cardPayment(CARLA.membershipId, 3);
	const notMissing = [
		cardPayment(ANA.membershipId, 2, { attachment_ids: ['att-1'] }),
		cardPayment(ANA.membershipId, 2, { operation_type: 'transfer' }),
		cardPayment(ANA.membershipId, 40),
	];
	const base = {
		operation: 'planNudges',
		organisationId: ACME,
		payments: [anaOlder, benOwn, carlaOwn, anaRecent, ...notMissing],
		members: [memberRow(1, ANA), memberRow(2, BEN), memberRow(3, CARLA), memberRow(4, { membershipId: 'm-other', waId: '33699999999' }, { organisationId: 'globex' })],
		claims: [claim(ANA.waId, 2), claim(BEN.waId, 5), claim(CARLA.waId, 30)],
		maxAgeDays: 30,
		templateName: '',
		templateLanguageCode: 'en',
		defaultLanguage: 'en',
		texts: '{}',
	};
	const plan = async (parameters: IDataObject = {}, input: INodeExecutionData[] = items({})) => {
		const [list, template, notSent] = await run({ ...base, ...parameters }, input);
		return { list, template, notSent };
	};
	const nudgeOf = (item: INodeExecutionData) => {
		expect(typeof item.json.nudge).toBe('string');
		return parsed(item.json.nudge);
	};
	const rowIds = (item: INodeExecutionData) => ((item.json.choices as IDataObject).rows as IDataObject[]).map((row) => row.id);

	test('declares its three outputs', () => {
		for (const name of ['List', 'Template', 'Not Sent']) expect(node.description.outputs).toContain(`"displayName":"${name}"`);
	});

	test('within 24 hours of their last message: each member gets the list of their own payments, newest first, and the nudge to save', async () => {
		const { list, template, notSent } = await plan();
		expect(template).toEqual([]);
		expect(list.map((item) => item.json.rowId)).toEqual([1, 2]);
		const [ana, ben] = list;
		expect(ana.json).toMatchObject({ send: 'list', recipient: ANA.waId, language: 'fr' });
		expect(rowIds(ana)).toEqual([`n:${anaRecent.id}`, `n:${anaOlder.id}`]);
		expect(rowIds(ben)).toEqual([`n:${benOwn.id}`]);
		const anaNudge = nudgeOf(ana);
		expect((anaNudge.payments as IDataObject[]).map((payment) => payment.id)).toEqual([anaRecent.id, anaOlder.id]);
		expect(Math.abs(Date.parse(anaNudge.sentAt as string) - Date.now())).toBeLessThan(60_000);
		expect((nudgeOf(ben).payments as IDataObject[]).map((payment) => payment.id)).toEqual([benOwn.id]);
		// The list is in the member's language: the body counts the payments missing a receipt.
		const choices = ana.json.choices as IDataObject;
		expect(choices.body).toBe(DEFAULT_TEXTS.fr.nudgeBody.replace('{days}', '30').replace('{count}', '2'));
		expect([choices.button, choices.footer]).toEqual([DEFAULT_TEXTS.fr.nudgeButton, DEFAULT_TEXTS.fr.nudgeFooter]);
		expect((ben.json.choices as IDataObject).button).toBe(DEFAULT_TEXTS.de.nudgeButton);
		// Carla last wrote 30 hours ago and no template is set; the member of another organisation is not planned.
		expect(notSent.map((item) => [item.json.rowId, item.json.reason])).toEqual([[3, 'the 24-hour window closed and no template is configured']]);
		expect(nudgeOf(notSent[0])).toEqual({});
		expect([...list, ...notSent].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
	});

	test("another member's payments are never in a member's rows or nudge", async () => {
		const { list } = await plan();
		const [ana, ben] = list;
		for (const id of [benOwn.id, carlaOwn.id]) {
			expect(rowIds(ana)).not.toContain(`n:${id}`);
			expect(ana.json.nudge).not.toContain(id);
		}
		expect(ben.json.nudge).not.toContain(anaRecent.id);
		expect(ben.json.nudge).not.toContain(anaOlder.id);
	});

	test('after 24 hours, with a template: the template with the count and the quick reply that asks for the list', async () => {
		const { list, template, notSent } = await plan({ templateName: 'receipt_reminder', templateLanguageCode: 'fr' });
		expect(list.map((item) => item.json.rowId)).toEqual([1, 2]);
		expect(notSent).toEqual([]);
		expect(template).toHaveLength(1);
		expect(template[0].json).toMatchObject({ rowId: 3, send: 'template', recipient: CARLA.waId, template: { name: 'receipt_reminder', languageCode: 'fr', bodyParameters: ['1'], quickReplyPayloads: ['n:show'] } });
		expect((nudgeOf(template[0]).payments as IDataObject[]).map((payment) => payment.id)).toEqual([carlaOwn.id]);
	});

	test('the window counts from the first claim of a message: a late redelivery or a retry claim is no new message', async () => {
		const claims = [claim(ANA.waId, 30, 'wamid.late'), claim(ANA.waId, 1, 'wamid.late'), claim(ANA.waId, 1, 'wamid.other#retry1'), claim(BEN.waId, 5), claim(CARLA.waId, 30)];
		const { list, notSent } = await plan({ claims });
		expect(list.map((item) => item.json.rowId)).toEqual([2]);
		expect(notSent.map((item) => item.json.rowId)).toEqual([1, 3]);
	});

	test('a claim under the user id of a member without a phone number counts', async () => {
		const members = [memberRow(1, { membershipId: ANA.membershipId, waId: '' }, { userId: 'FR.ana', language: 'en' })];
		const { list } = await plan({ members, claims: [{ messageId: 'wamid.u', waId: 'FR.ana', claimedAt: hoursAgo(1) }] });
		expect(list.map((item) => [item.json.rowId, item.json.recipient])).toEqual([[1, 'FR.ana']]);
	});

	test('why not: nothing missing, reminders turned off (kept in the nudge), unsubscribed', async () => {
		const members = [memberRow(1, ANA, { nudge: JSON.stringify({ off: true }) }), memberRow(2, BEN, { subscribed: false }), memberRow(3, CARLA)];
		const { list, template, notSent } = await plan({ members, payments: [anaRecent, benOwn], templateName: 'receipt_reminder' });
		expect([list, template]).toEqual([[], []]);
		expect(notSent.map((item) => [item.json.rowId, item.json.reason])).toEqual([
			[1, 'reminders turned off'],
			[2, 'unsubscribed'],
			[3, 'nothing missing'],
		]);
		expect(nudgeOf(notSent[0])).toEqual({ off: true });
	});

	test('parameters given as typed JSON text are read the same', async () => {
		const { list } = await plan({ payments: JSON.stringify(base.payments), members: JSON.stringify(base.members), claims: JSON.stringify(base.claims) });
		expect(list.map((item) => item.json.rowId)).toEqual([1, 2]);
	});

	test('runs once for all its input: one plan per member however many items come in', async () => {
		const { list, notSent } = await plan({}, items({ a: 1 }, { a: 2 }, { a: 3 }));
		expect(list).toHaveLength(2);
		expect(notSent).toHaveLength(1);
	});

	test('no input items: no outputs', async () => {
		expect(await plan({}, [])).toEqual({ list: [], template: [], notSent: [] });
	});
});

describe('Invoice Inbox: Route Message, reminders and answers', () => {
	const ACME = { id: 'acme-sas-1234', name: 'ACME SAS' };
	const routeParameters = { operation: 'routeMessage', organisations: { organisation: [ACME] }, defaultLanguage: 'en', maxFileSizeMb: 15, pickMinutes: 15, texts: JSON.stringify(DEFAULT_TEXTS) };
	const ANA = { waId: '33612345678', membershipId: 'm-ana' };
	const message = (kind: string, extra: IDataObject = {}, waId = ANA.waId): INodeExecutionData => ({
		json: { messageId: `wamid.${waId}.${kind}.${String(extra.n ?? '')}`, waId, userId: null, profileName: 'Ana', kind, text: null, choice: null, ...extra },
	});
	const tap = (id: string, waId = ANA.waId) => message('choice', { choice: { id, title: 'x' }, n: id }, waId);
	const memberRow = (nudge = '', more: IDataObject = {}): INodeExecutionData => ({
		json: { id: 7, waId: ANA.waId, userId: '', name: 'Ana', organisationId: ACME.id, organisationName: ACME.name, membershipId: ANA.membershipId, isDefault: true, subscribed: true, language: '', lastNoticeOn: '', linkedAt: '', nudge, ...more },
	});
	const route = async (messages: INodeExecutionData[], rows: INodeExecutionData[]) => {
		const [documents, saves, replies, pickers, choices, answers] = await run(routeParameters, messages, rows);
		return { documents, saves, replies, pickers, choices, answers };
	};

	const anaRecent = transaction({ initiator_id: ANA.membershipId, emitted_at: daysAgo(1), settled_at: daysAgo(1), clean_counterparty_name: 'FNAC', amount_cents: 4599, local_amount_cents: 4599 });
	const anaOlder = transaction({ initiator_id: ANA.membershipId, emitted_at: daysAgo(4), settled_at: daysAgo(4), clean_counterparty_name: 'AMAZON EU' });
	/** The nudge column as Plan Reminders wrote it for Ana. */
	async function plannedNudge(): Promise<string> {
		const [[list]] = await run(
			{ operation: 'planNudges', organisationId: ACME.id, payments: [anaRecent, anaOlder], members: [memberRow().json], claims: [{ messageId: 'wamid.x', waId: ANA.waId, claimedAt: hoursAgo(1) }], templateName: '', texts: '{}' },
			items({}),
		);
		return list.json.nudge as string;
	}

	test('declares the Choices and Answer outputs', () => {
		expect(node.description.outputs).toContain('"displayName":"Choices"');
		expect(node.description.outputs).toContain('"displayName":"Answer"');
	});

	test("the template's quick reply (n:show): the list of the payments last offered goes on Choices, to the member", async () => {
		const nudge = await plannedNudge();
		const { choices, replies, documents, answers, pickers, saves } = await route([tap('n:show')], [memberRow(nudge)]);
		expect([replies, documents, answers, pickers, saves]).toEqual([[], [], [], [], []]);
		expect(choices).toHaveLength(1);
		expect(choices[0].pairedItem).toEqual({ item: 0 });
		const json = choices[0].json;
		expect(json).toMatchObject({ to: ANA.waId, messageId: 'wamid.33612345678.choice.n:show', button: DEFAULT_TEXTS.fr.nudgeButton, footer: DEFAULT_TEXTS.fr.nudgeFooter });
		expect((json.rows as IDataObject[]).map((row) => row.id)).toEqual([`n:${anaRecent.id}`, `n:${anaOlder.id}`]);
	});

	test('n:show with nothing offered: a reply says so, no list', async () => {
		const { choices, replies } = await route([tap('n:show')], [memberRow('')]);
		expect(choices).toEqual([]);
		expect(replies[0].json).toMatchObject({ to: ANA.waId, text: DEFAULT_TEXTS.fr.nudgeNothing });
	});

	test('a tap on a question (q:<document>:<payment>) from a member goes on Answer, with the language and texts to reply in', async () => {
		const { answers, replies, choices, saves, documents } = await route([tap('q:wamid.HBg:DOC:tx-amazon')], [memberRow('')]);
		expect([replies, choices, saves, documents]).toEqual([[], [], [], []]);
		expect(answers).toHaveLength(1);
		expect(answers[0].pairedItem).toEqual({ item: 0 });
		expect(answers[0].json).toMatchObject({
			to: ANA.waId,
			waId: ANA.waId,
			userId: null,
			messageId: 'wamid.33612345678.choice.q:wamid.HBg:DOC:tx-amazon',
			answer: { documentMessageId: 'wamid.HBg:DOC', choice: 'tx-amazon' },
			language: 'fr',
			texts: DEFAULT_TEXTS.fr,
		});
	});

	test('a tap on a question from a stranger is no answer: they are told how to get access', async () => {
		const { answers, replies } = await route([tap('q:wamid.DOC1:tx-amazon', '4915100000002')], []);
		expect(answers).toEqual([]);
		expect(replies[0].json.text).toBe(DEFAULT_TEXTS.de.accessHowTo);
	});

	test('Route Message → Compose Question → Check Answer: the answer item is what Check Answer takes', async () => {
		const [[ask]] = await run({ ...questionParameters, waId: ANA.waId, userId: '' }, items({}));
		const { answers } = await route([tap((ask.json.rows as IDataObject[])[0].id as string)], [memberRow('')]);
		const ledger = { json: { id: 5, messageId: DOCUMENT, organisationId: 'acme', state: 'stored', supplierInvoiceId: 'inv-1', transactionId: '', waId: ANA.waId, userId: '', question: ask.json.question } };
		const [attach, keep, refused] = await run({ operation: 'checkAnswer' }, answers, [ledger]);
		expect([keep, refused]).toEqual([[], []]);
		expect(attach[0].json).toMatchObject({ attachChosen: { supplierInvoiceId: 'inv-1', transactionId: 'tx-amazon' }, recipient: ANA.waId });
		expect(attach[0].json.replyText).toMatch(/^Joint au paiement par carte AMAZON EU de 23,90 EUR du /);
	});

	test('a pick (n:<payment>) of an offered payment: Save Member writes the nudge, as JSON text, with the pick; the reply asks for the receipt', async () => {
		const nudge = await plannedNudge();
		const { saves, replies, choices } = await route([tap(`n:${anaOlder.id}`)], [memberRow(nudge, { language: 'en' })]);
		expect(choices).toEqual([]);
		expect(saves).toHaveLength(1);
		expect(saves[0].json).toMatchObject({ rowId: 7, waId: ANA.waId, organisationId: ACME.id, messageId: `wamid.33612345678.choice.n:${anaOlder.id}` });
		expect(typeof saves[0].json.nudge).toBe('string');
		const saved = parsed(saves[0].json.nudge);
		expect((saved.picked as IDataObject).id).toBe(anaOlder.id);
		expect(Math.abs(Date.parse((saved.picked as IDataObject).at as string) - Date.now())).toBeLessThan(60_000);
		expect(saved.payments).toEqual(parsed(nudge).payments);
		expect(saved.sentAt).toBe(parsed(nudge).sentAt);
		expect(replies[0].json.text).toMatch(/^Send the receipt for AMAZON EU of 12\.34 EUR on .+ now \(within 15 minutes\)\.$/);
	});

	test('a pick of a payment never offered changes nothing', async () => {
		const nudge = await plannedNudge();
		const { saves, replies } = await route([tap('n:tx-forged')], [memberRow(nudge, { language: 'en' })]);
		expect(saves).toEqual([]);
		expect(replies[0].json.text).toBe(DEFAULT_TEXTS.en.nudgeNotOffered);
	});

	test('the document sent after a pick carries the payment, and the pick is cleared from the saved nudge', async () => {
		const nudge = JSON.stringify({ ...parsed(await plannedNudge()), picked: { id: anaRecent.id, at: new Date(NOW - 60_000).toISOString() } });
		const { documents, saves } = await route([message('document')], [memberRow(nudge)]);
		expect((documents[0].json.inbox as IDataObject).payment).toMatchObject({ id: anaRecent.id });
		const saved = parsed(saves[0].json.nudge);
		expect(saved.picked).toBeUndefined();
		expect((saved.payments as IDataObject[]).map((payment) => payment.id)).toEqual([anaRecent.id, anaOlder.id]);
	});

	test("REMINDERS ON after OFF: the saved nudge is '' once nothing is left in it", async () => {
		const off = await route([message('text', { text: { body: 'REMINDERS OFF' } })], [memberRow('', { language: 'en' })]);
		expect(off.saves[0].json.nudge).toBe(JSON.stringify({ off: true }));
		const on = await route([message('text', { text: { body: 'REMINDERS ON' } })], [memberRow(JSON.stringify({ off: true }), { language: 'en' })]);
		expect(on.saves).toHaveLength(1);
		expect(on.saves[0].json.nudge).toBe('');
		expect(on.replies[0].json.text).toBe(DEFAULT_TEXTS.en.nudgesOn);
	});
});
