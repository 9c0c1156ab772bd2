// Reminders of card payments without a receipt: whose payments, which ones, and how they may be sent (the list inside
// WhatsApp's 24-hour window, the admin's template after it, or nothing and why).
import { subDays, subHours } from 'date-fns';

import type { MemberRow } from '../../../src/conversation/directory';
import { LANGUAGES } from '../../../src/conversation/languages';
import { planNudges, readNudgeState, type NudgeInput, type NudgePlan } from '../../../src/conversation/nudges';
import { DEFAULT_TEXTS, mergeTexts } from '../../../src/conversation/texts';
import { transaction } from '../matching/builders';

const NOW = new Date('2026-12-01T10:00:00Z');
const ACME = 'acme-sas';
const ANA = { membershipId: 'm-ana', waId: '33612345678' }; // France
const BEN = { membershipId: 'm-ben', waId: '4915100000001' }; // Germany

let nextId = 1;
const member = (changes: Partial<MemberRow>): MemberRow => ({
	id: nextId++, waId: '', userId: '', name: 'Someone', organisationId: ACME, organisationName: 'ACME SAS', membershipId: '', isDefault: true, subscribed: true, language: '', lastNoticeOn: '', linkedAt: '2026-01-01T00:00:00.000Z', nudge: {}, ...changes,
});
const daysAgo = (days: number) => subDays(NOW, days).toISOString();
const cardPayment = (initiator: string, days: number, changes: Record<string, unknown> = {}) =>
	transaction({ initiator_id: initiator, emitted_at: daysAgo(days), settled_at: daysAgo(days), ...changes });
const claim = (waId: string, hoursAgo: number) => ({ messageId: `wamid.${waId}.${hoursAgo}`, waId, claimedAt: subHours(NOW, hoursAgo).toISOString() });

const ana = member({ ...ANA, name: 'Ana' });
const ben = member({ ...BEN, name: 'Ben' });
const anaRecent = cardPayment(ANA.membershipId, 1);
const anaOlder = cardPayment(ANA.membershipId, 5, { clean_counterparty_name: 'AMAZON EU', card_last_digits: '1234' });
const benOwn = cardPayment(BEN.membershipId, 2);
const excluded = {
	transfer: cardPayment(ANA.membershipId, 2, { operation_type: 'transfer' }),
	credit: cardPayment(ANA.membershipId, 2, { side: 'credit' }),
	attached: cardPayment(ANA.membershipId, 2, { attachment_ids: ['att-1'] }),
	declined: cardPayment(ANA.membershipId, 2, { status: 'declined' }),
	tooOld: cardPayment(ANA.membershipId, 31),
	noInitiator: cardPayment('', 2),
};

function plan(changes: Partial<NudgeInput> = {}): NudgePlan[] {
	return planNudges({
		organisationId: ACME,
		payments: [anaOlder, benOwn, anaRecent, ...Object.values(excluded)],
		members: [ana, ben],
		claims: [claim(ANA.waId, 2), claim(BEN.waId, 2)],
		now: NOW,
		maxAgeDays: 30,
		template: null,
		texts: mergeTexts({}),
		defaultLanguage: 'en',
		...changes,
	});
}
const planOf = (plans: NudgePlan[], row: MemberRow) => plans.find((entry) => entry.rowId === row.id);
const offeredIds = (entry: NudgePlan | undefined) => (entry?.choices?.rows ?? []).map((row) => row.id);

describe('which payments a member is reminded of', () => {
	test('only their own card debits of the last 30 days without a document, not declined, newest first', () => {
		const anaPlan = planOf(plan(), ana);
		expect(offeredIds(anaPlan)).toEqual([`n:${anaRecent.id}`, `n:${anaOlder.id}`]);
		expect(anaPlan?.nudge.payments?.map((payment) => payment.id)).toEqual([anaRecent.id, anaOlder.id]);
	});

	test('another member\'s payments never appear in a list', () => {
		const plans = plan();
		expect(offeredIds(planOf(plans, ben))).toEqual([`n:${benOwn.id}`]);
		expect(offeredIds(planOf(plans, ana))).not.toContain(`n:${benOwn.id}`);
	});

	test('at most ten rows, the newest; the body counts all of them', () => {
		const many = Array.from({ length: 13 }, (_, index) => cardPayment(ANA.membershipId, index + 1));
		const anaPlan = planOf(plan({ payments: many }), ana);
		expect(offeredIds(anaPlan)).toEqual(many.slice(0, 10).map((payment) => `n:${payment.id}`));
		expect(anaPlan?.nudge.payments).toHaveLength(10);
		expect(anaPlan?.choices?.body).toContain('13');
	});

	test('a member with nothing missing gets nothing', () => {
		expect(planOf(plan({ payments: [benOwn, ...Object.values(excluded)] }), ana)).toMatchObject({ send: 'none', reason: 'nothing missing', nudge: {} });
	});
});

describe('who is planned', () => {
	test('one plan per membership of the organisation: the lowest row id; contacts and other organisations are left out', () => {
		const duplicate = member({ ...ANA });
		const contact = member({ waId: '33600000000', organisationId: '', membershipId: '' });
		const elsewhere = member({ waId: '33600000001', organisationId: 'globex', membershipId: 'm-globex' });
		const plans = plan({ members: [duplicate, ben, ana, contact, elsewhere] });
		expect(plans.map((entry) => entry.rowId).sort((a, b) => a - b)).toEqual([ana.id, ben.id]);
	});

	test('the language is the member\'s choice, else their number\'s country', () => {
		const plans = plan({ members: [ana, { ...ben, language: 'it' }] });
		expect(planOf(plans, ana)?.language).toBe('fr');
		expect(planOf(plans, ben)?.language).toBe('it');
		expect(planOf(plans, ben)?.choices?.button).toBe(DEFAULT_TEXTS.it.nudgeButton);
	});

	test('the recipient is the phone number, else the user id', () => {
		const byUserId = member({ membershipId: 'm-cy', userId: 'FR.42' });
		const entry = planOf(plan({ members: [byUserId], claims: [{ messageId: 'wamid.cy', waId: 'FR.42', claimedAt: subHours(NOW, 1).toISOString() }], payments: [cardPayment('m-cy', 1)] }), byUserId);
		expect(entry).toMatchObject({ recipient: 'FR.42', send: 'list' });
	});

	test('reminders turned off, or unsubscribed: nothing, and the state is kept', () => {
		const off = { ...ana, nudge: { off: true } };
		const unsubscribed = { ...ben, subscribed: false };
		const plans = plan({ members: [off, unsubscribed] });
		expect(planOf(plans, off)).toMatchObject({ send: 'none', reason: 'reminders turned off', nudge: { off: true } });
		expect(planOf(plans, unsubscribed)).toMatchObject({ send: 'none', reason: 'unsubscribed' });
		expect(planOf(plans, off)?.choices).toBeUndefined();
	});
});

describe('how it is sent', () => {
	test('window open (wrote 2 hours ago): the list, with the footer telling how to stop and the state to save', () => {
		const anaPlan = planOf(plan(), ana);
		expect(anaPlan).toMatchObject({ send: 'list', recipient: ANA.waId, language: 'fr' });
		expect(anaPlan?.choices).toMatchObject({ button: DEFAULT_TEXTS.fr.nudgeButton, footer: DEFAULT_TEXTS.fr.nudgeFooter });
		expect(anaPlan?.choices?.body).toContain('2');
		expect(anaPlan?.choices?.rows[1]).toMatchObject({ title: 'AMAZON EU' });
		expect(anaPlan?.choices?.rows[1].description).toContain('••1234');
		expect(anaPlan?.nudge.sentAt).toBe(NOW.toISOString());
	});

	test('window closed (wrote 2 days ago) and a template named: the template with the count and the "show" button', () => {
		const template = { name: 'receipt_reminder', languageCode: 'de' };
		const benPlan = planOf(plan({ claims: [claim(BEN.waId, 48)], template }), ben);
		expect(benPlan).toMatchObject({ send: 'template', template: { name: 'receipt_reminder', languageCode: 'de', bodyParameters: ['1'], quickReplyPayloads: ['n:show'] } });
		expect(benPlan?.choices).toBeUndefined();
		// What was offered is kept, so that the button's "show" can list it.
		expect(benPlan?.nudge).toMatchObject({ sentAt: NOW.toISOString(), payments: [expect.objectContaining({ id: benOwn.id })] });
	});

	test.each([
		['no template', null],
		['a template without a name', { name: '  ', languageCode: 'en' }],
	])('window closed and %s: nothing, and why; nothing saved as sent', (_what, template) => {
		const benPlan = planOf(plan({ claims: [claim(BEN.waId, 25)], template }), ben);
		expect(benPlan).toMatchObject({ send: 'none', reason: 'the 24-hour window closed and no template is configured', nudge: {} });
	});

	test('a member who never wrote has no open window', () => {
		expect(planOf(plan({ claims: [] }), ana)).toMatchObject({ send: 'none' });
	});

	test('a pick is kept when a new reminder is sent', () => {
		const picked = { id: 'tx-old', at: subHours(NOW, 30).toISOString() };
		const anaPlan = planOf(plan({ members: [{ ...ana, nudge: { picked } }] }), ana);
		expect(anaPlan?.nudge.picked).toEqual(picked);
	});
});

describe('the nudge column', () => {
	test.each([['bad JSON', '{"off":'], ['empty', ''], ['null', null], ['a list', '[]']])('%s reads as no state', (_what, value) => {
		expect(readNudgeState(value)).toEqual({});
	});

	test('a saved state reads back the same', () => {
		const state = planOf(plan(), ana)?.nudge;
		expect(readNudgeState(JSON.stringify({ ...state, off: true, picked: { id: anaRecent.id, at: NOW.toISOString() } }))).toEqual({ ...state, off: true, picked: { id: anaRecent.id, at: NOW.toISOString() } });
	});
});

describe('the reminder texts fit WhatsApp', () => {
	test.each(LANGUAGES)('%s: footer ≤60, buttons ≤20 characters', (language) => {
		const texts = DEFAULT_TEXTS[language];
		expect(Array.from(texts.nudgeFooter).length).toBeLessThanOrEqual(60);
		for (const key of ['nudgeButton', 'questionButton', 'questionNone'] as const) expect([key, Array.from(texts[key]).length <= 20]).toEqual([key, true]);
	});
});
