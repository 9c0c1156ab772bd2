/**
 * The Invoice Inbox operations of the 09:00 run and Qonto's webhook, through the node with n8n's parameter handling
 * stood in: Plan Re-Match → Match Again (its two outputs), Compose Follow-Up (text, template, not told) and Refresh
 * Members (unlink, not activated). The decisions themselves are tested in rematch/followUp/memberships tests.
 */
import type { IDataObject } from 'n8n-workflow';

import { InvoiceInbox } from '../../../nodes/InvoiceInbox/InvoiceInbox.node';
import { createExecuteContext } from '../../support/executeContext';

const node = new InvoiceInbox();
const NOW = Date.now();
const hoursAgo = (hours: number) => new Date(NOW - hours * 3_600_000).toISOString();

async function run(items: IDataObject[], parameters: IDataObject | ((itemIndex: number) => IDataObject)) {
	const { context } = createExecuteContext({ items: items.map((json) => ({ json })), parameters, credentials: {} });
	return await node.execute.call(context);
}

const extraction = JSON.stringify({ supplierName: 'SANYU STATIONERY SHOP', date: new Date(NOW - 2 * 86_400_000).toISOString().slice(0, 10), totalAmountCents: 500, currency: 'MYR' });
const ledgerRow = (id: number, messageId: string, more: IDataObject = {}): IDataObject => ({
	id,
	messageId,
	waId: '60123456789',
	userId: 'US.60123456789',
	organisationId: 'acme',
	state: 'stored',
	supplierInvoiceId: `inv-${id}`,
	transactionId: '',
	extraction,
	receivedAt: hoursAgo(48),
	...more,
});
const payment = (id: string, label: string, cents: number): IDataObject => ({
	id,
	label,
	side: 'debit',
	operation_type: 'card',
	status: 'completed',
	currency: 'EUR',
	amount_cents: Math.round(cents / 5),
	local_amount_cents: cents,
	local_currency: 'MYR',
	emitted_at: new Date(NOW - 2 * 86_400_000 + 3_600_000).toISOString(),
	settled_at: new Date(NOW - 86_400_000).toISOString(),
	attachment_ids: [],
});

describe('Invoice Inbox: Plan Re-Match and Match Again', () => {
	it('plans one batch for the stored, unattached documents, then attaches the one whose payment is there and leaves the other', async () => {
		const [[batch]] = await run([ledgerRow(1, 'wamid.one'), ledgerRow(2, 'wamid.two', { extraction: extraction.replace('500', '777') }), ledgerRow(3, 'wamid.done', { state: 'matched', transactionId: 't-9' })], { operation: 'planRematch', maxAgeDays: 30 });
		expect((batch.json.documents as IDataObject[]).map((document) => document.messageId)).toEqual(['wamid.one', 'wamid.two']);
		expect(batch.json).toMatchObject({ organisationId: 'acme', from: expect.any(String), to: expect.any(String) });

		const transactions = [payment('t-1', 'SANYU STATIONERY SHOP', 500), payment('t-2', 'FAMILYMART', 320)];
		const [attach, leave] = await run([{ ...batch.json, transactions }], { operation: 'matchAgain', batch: { ...batch.json }, transactions });
		expect(attach.map((item) => item.json)).toEqual([
			expect.objectContaining({ messageId: 'wamid.one', supplierInvoiceId: 'inv-1', transactionId: 't-1', waId: '60123456789', transaction: expect.objectContaining({ id: 't-1' }) }),
		]);
		expect(leave.map((item) => item.json)).toEqual([expect.objectContaining({ messageId: 'wamid.two', transactionId: '', reason: expect.any(String) })]);
	});

	it('a document older than Max Age is no longer planned', async () => {
		const [batches] = await run([ledgerRow(1, 'wamid.old', { receivedAt: hoursAgo(24 * 40) })], { operation: 'planRematch', maxAgeDays: 30 });
		expect(batches).toEqual([]);
	});
});

describe('Invoice Inbox: Compose Follow-Up', () => {
	const transaction = payment('t-1', 'SANYU STATIONERY SHOP', 500);
	const base = { operation: 'composeFollowUp', transaction, waId: '33612345678', userId: '', lastMessageAt: '', language: '', texts: '{}', members: '[]', templateName: '', templateLanguageCode: 'fr' };

	it('within 24 hours of the last message (from the claims): a text in the language of the phone number', async () => {
		const claims = [{ messageId: 'wamid.x', waId: '33612345678', claimedAt: hoursAgo(3) }];
		const [texts, templates, notTold] = await run([{ messageId: 'wamid.x' }], { ...base, claims });
		expect(texts.map((item) => item.json.replyText)).toEqual([expect.stringMatching(/^Joint au paiement par carte SANYU STATIONERY SHOP de .+ MYR du .+\.$/)]);
		expect(texts[0].json).toMatchObject({ messageId: 'wamid.x', recipient: '33612345678' });
		expect([templates, notTold]).toEqual([[], []]);
	});

	it('after 24 hours: the template when one is set, else nothing and why', async () => {
		const claims = [{ messageId: 'wamid.x', waId: '33612345678', claimedAt: hoursAgo(30) }];
		const [, templates] = await run([{ messageId: 'wamid.x' }], { ...base, claims, templateName: 'receipt_attached' });
		expect(templates[0].json.template).toMatchObject({ name: 'receipt_attached', languageCode: 'fr', bodyParameters: ['SANYU STATIONERY SHOP', expect.stringContaining('MYR'), expect.any(String)] });
		const [texts, , notTold] = await run([{ messageId: 'wamid.x' }], { ...base, claims });
		expect(texts).toEqual([]);
		expect(notTold[0].json.notTold).toBe('not told: the 24-hour window closed and no template is configured');
	});

	it('the language a member chose wins over their phone number', async () => {
		const members = [{ id: 1, waId: '33612345678', organisationId: 'acme', language: 'de', subscribed: true }];
		const [texts] = await run([{}], { ...base, lastMessageAt: hoursAgo(1), members });
		expect(texts[0].json.replyText).toMatch(/SANYU STATIONERY SHOP/);
		expect(texts[0].json.replyText).not.toMatch(/^Joint/);
	});
});

describe('Invoice Inbox: Refresh Members', () => {
	const rows = [
		{ id: 1, waId: '111', organisationId: 'acme', membershipId: 'm-active', isDefault: true },
		{ id: 2, waId: '222', organisationId: 'acme', membershipId: 'm-revoked', isDefault: true },
		{ id: 3, waId: '333', organisationId: 'globex', membershipId: 'm-other', isDefault: true },
	];
	const memberships = [
		{ id: 'm-active', status: 'active' },
		{ id: 'm-revoked', status: 'revoked' },
		{ id: 'm-new', status: 'active', first_name: 'Nina' },
	];

	it('unlinks the revoked membership of this organisation only, and lists the active one nobody linked', async () => {
		const [unlink, notActivated] = await run(rows, { operation: 'refreshMembers', organisationId: 'acme', memberships });
		expect(unlink.map((item) => item.json)).toEqual([expect.objectContaining({ id: 2, organisationId: '', isDefault: false, membershipId: 'm-revoked', unlinkReason: 'membership revoked' })]);
		expect(notActivated.map((item) => item.json.id)).toEqual(['m-new']);
	});

	it('an empty membership list unlinks nobody', async () => {
		const [unlink] = await run(rows, { operation: 'refreshMembers', organisationId: 'acme', memberships: [] });
		expect(unlink).toEqual([]);
	});
});
