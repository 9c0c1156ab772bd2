// Telling the sender of a document attached later: text inside WhatsApp's 24-hour window, else the admin's template,
// else nothing and a reason for the ledger. The clock is injected.
import { attachedText } from '../../../src/conversation/attached';
import { decideFollowUp, lastMessageAt, serviceWindowOpen, type FollowUpInput } from '../../../src/conversation/followUp';
import { retryClaimKey } from '../../../src/conversation/retries';
import { DEFAULT_TEXTS } from '../../../src/conversation/texts';
import { buildTemplate } from '../../../src/whatsapp/outgoing';
import { transaction } from '../matching/builders';

const NOW = new Date('2026-06-01T10:00:00.000Z');
const HOUR = 3_600_000;
const ago = (milliseconds: number) => new Date(NOW.getTime() - milliseconds);
const amazon = transaction({ clean_counterparty_name: 'AMAZON EU', amount_cents: 2390, local_amount_cents: 2390, emitted_at: '2026-03-12T08:00:00.000Z' });
const TEMPLATE = { name: 'document_attached', languageCode: 'fr' };

const input = (changes: Partial<FollowUpInput> = {}): FollowUpInput => ({
	transaction: amazon,
	language: 'en',
	texts: DEFAULT_TEXTS.en,
	lastMessageAt: ago(HOUR),
	template: null,
	now: NOW,
	...changes,
});

describe('the 24-hour window', () => {
	test.each([
		['23 h 59 min 59.999 s ago', ago(24 * HOUR - 1), true],
		['exactly 24 h ago', ago(24 * HOUR), false],
		['24 h and 1 ms ago', ago(24 * HOUR + 1), false],
		['as a timestamp text', ago(2 * HOUR).toISOString(), true],
		['never', null, false],
		['an unreadable time', 'yesterday', false],
	])('a last message %s: open is %s', (_when, last, open) => {
		expect(serviceWindowOpen(last, NOW)).toBe(open);
	});
});

describe('how the sender is told', () => {
	test('within the window: the text in their language, even when a template is configured', () => {
		const followUp = decideFollowUp(input({ language: 'de', texts: DEFAULT_TEXTS.de, lastMessageAt: ago(24 * HOUR - 1), template: TEMPLATE }));
		expect(followUp).toEqual({ send: 'text', text: attachedText(amazon, 'de', DEFAULT_TEXTS.de, NOW) });
		expect(followUp).toMatchObject({ text: expect.stringContaining('12. März') });
	});

	test('at exactly 24 h with a template: the template, its body carrying merchant, amount and date in its language', () => {
		const followUp = decideFollowUp(input({ lastMessageAt: ago(24 * HOUR), template: TEMPLATE }));
		expect(followUp).toEqual({ send: 'template', template: { name: 'document_attached', languageCode: 'fr', bodyParameters: ['AMAZON EU', '23,90 EUR', '12 mars'] } });
	});

	test("a template in a language we do not write uses the sender's", () => {
		const followUp = decideFollowUp(input({ language: 'es', lastMessageAt: null, template: { name: 'attached', languageCode: 'pt_BR' } }));
		expect(followUp).toMatchObject({ send: 'template', template: { languageCode: 'pt_BR', bodyParameters: ['AMAZON EU', '23,90 EUR', '12 de marzo'] } });
		const american = decideFollowUp(input({ language: 'it', lastMessageAt: null, template: { name: 'attached', languageCode: 'en_US' } }));
		expect(american).toMatchObject({ template: { bodyParameters: ['AMAZON EU', '23.90 EUR', '12 March'] } });
	});

	test('at exactly 24 h without a template: nothing, and the reason for the ledger', () => {
		expect(decideFollowUp(input({ lastMessageAt: ago(24 * HOUR) }))).toEqual({ send: 'nothing', reason: 'not told: the 24-hour window closed and no template is configured' });
		expect(decideFollowUp(input({ lastMessageAt: ago(24 * HOUR), template: { name: '  ', languageCode: 'en' } }))).toMatchObject({ send: 'nothing' });
	});

	test('nothing for a payment that cannot be read', () => {
		expect(decideFollowUp(input({ transaction: { label: 'no id' } }))).toEqual({ send: 'nothing', reason: 'not told: the payment could not be read' });
		expect(decideFollowUp(input({ transaction: null, lastMessageAt: null, template: TEMPLATE }))).toMatchObject({ send: 'nothing' });
	});

	test('the template decision is a Graph API template message once addressed', () => {
		const followUp = decideFollowUp(input({ lastMessageAt: null, template: TEMPLATE }));
		if (followUp.send !== 'template') throw new Error(`expected a template, got ${followUp.send}`);
		expect(buildTemplate('33612345678', followUp.template)).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '33612345678',
			type: 'template',
			template: {
				name: 'document_attached',
				language: { code: 'fr' },
				components: [{ type: 'body', parameters: ['AMAZON EU', '23,90 EUR', '12 mars'].map((text) => ({ type: 'text', text })) }],
			},
		});
	});

	test('template parameters lose line breaks and long runs of spaces, which Meta refuses', () => {
		const body = buildTemplate('1', { name: 't', languageCode: 'en', bodyParameters: ['A\nB\tC', 'x      y'] });
		expect(body.template.components?.[0]).toEqual({ type: 'body', parameters: [{ type: 'text', text: 'A B C' }, { type: 'text', text: 'x    y' }] });
		expect(buildTemplate('1', { name: 't', languageCode: 'en', bodyParameters: [] }).template).not.toHaveProperty('components');
	});
});

describe("the sender's last message, from the claims", () => {
	const claim = (messageId: string, waId: string, claimedAt: Date) => ({ messageId, waId, claimedAt: claimedAt.toISOString() });

	test('the latest message of the sender, by its first claim; redeliveries and retries are no messages', () => {
		const claims = [
			claim('wamid.1', '33612345678', ago(30 * HOUR)),
			claim('wamid.2', '33612345678', ago(26 * HOUR)),
			// Meta delivered wamid.2 again an hour ago: still a message of 26 h ago.
			claim('wamid.2', '33612345678', ago(HOUR)),
			claim(retryClaimKey('wamid.2', 1), '33612345678', ago(2 * HOUR)),
			claim('wamid.3', '4915100000002', ago(HOUR)),
		];
		expect(lastMessageAt(claims, { waId: '33612345678' })).toEqual(ago(26 * HOUR));
		expect(serviceWindowOpen(lastMessageAt(claims, { waId: '33612345678' }), NOW)).toBe(false);
	});

	test("a sender known by their user id only, and one who never wrote", () => {
		const claims = [claim('wamid.9', 'US.13491208655302741918', ago(HOUR)), { messageId: 'wamid.10', waId: 'US.13491208655302741918', claimedAt: 'not a time' }];
		expect(lastMessageAt(claims, { waId: null, userId: 'US.13491208655302741918' })).toEqual(ago(HOUR));
		expect(lastMessageAt(claims, { waId: '33612345678', userId: '' })).toBeNull();
	});
});
