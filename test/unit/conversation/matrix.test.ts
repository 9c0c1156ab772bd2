// Every intent in every sender state, as one table; and, as a property, that an activation links exactly the
// organisation and membership its code names, whatever the directory already holds.
import fc from 'fast-check';

import { createActivationCode } from '../../../src/conversation/activation';
import { decide, type InboxSettings } from '../../../src/conversation/decide';
import type { MemberRow } from '../../../src/conversation/directory';
import type { IncomingMessage } from '../../../src/conversation/intents';
import { LANGUAGES } from '../../../src/conversation/languages';
import { DEFAULT_TEXTS, mergeTexts } from '../../../src/conversation/texts';

const SECRET = 'matrix-secret-0123456789abcdef!!';
const NOW = new Date('2026-12-01T10:00:00Z');
const ORGANISATIONS = [
	{ id: 'acme-sas-1234', name: 'ACME SAS' },
	{ id: 'globex-gmbh-5678', name: 'Globex GmbH' },
	{ id: 'initech-sarl-42', name: 'Initech' },
];
const settings: InboxSettings = { organisations: ORGANISATIONS, defaultLanguage: 'en', maxFileSizeMb: 15, texts: mergeTexts({}), activationSecret: SECRET, now: NOW };
const WA = '60123456789';
const NEW_MEMBERSHIP = 'b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

const row = (id: number, changes: Partial<MemberRow>): MemberRow => ({
	id, waId: WA, userId: '', name: 'Ana', organisationId: '', organisationName: '', membershipId: '', isDefault: false, subscribed: true, language: '', lastNoticeOn: '', linkedAt: '', nudge: {}, ...changes,
});
const link = (id: number, organisation: { id: string; name: string }, changes: Partial<MemberRow> = {}) =>
	row(id, { organisationId: organisation.id, organisationName: organisation.name, membershipId: `m-${id}`, ...changes });

const STATES: Record<string, () => MemberRow[]> = {
	unknown: () => [],
	member: () => [link(1, ORGANISATIONS[0], { isDefault: true })],
	member_of_several: () => [link(1, ORGANISATIONS[0], { isDefault: true }), link(2, ORGANISATIONS[1])],
	unsubscribed: () => [link(1, ORGANISATIONS[0], { isDefault: true, subscribed: false })],
};

const message = (kind: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({ messageId: 'wamid.1', waId: WA, userId: null, profileName: 'Ana', kind, text: null, choice: null, ...extra });
const text = (body: string) => message('text', { text: { body } });
const choice = (id: string) => message('choice', { choice: { id, title: null } });
const activation = () => text(`My activation code: ${createActivationCode({ organisationId: ORGANISATIONS[2].id, membershipId: NEW_MEMBERSHIP, expiresAt: new Date('2026-12-10T00:00:00Z') }, SECRET)}`);

const INTENTS: Record<string, () => IncomingMessage> = {
	document: () => message('document'),
	activation,
	stop: () => text('STOP'),
	start: () => text('START'),
	language: () => text('Italiano'),
	chooseOrganisation: () => choice(`org:${ORGANISATIONS[1].id}`),
	pickerPage: () => choice('orgpage:2'),
	text: () => text('hello'),
	ignore: () => message('reaction'),
};

// intent → state → [outcome, what is sent: 'document' | text key | 'picker' | 'nothing']
const EXPECTED: Record<string, Record<string, [string, string]>> = {
	document: { unknown: ['access_notice', 'accessHowTo'], member: ['document', 'document'], member_of_several: ['document', 'document'], unsubscribed: ['ignored_unsubscribed', 'nothing'] },
	activation: { unknown: ['activated', 'welcome'], member: ['organisation_added', 'organisationAdded'], member_of_several: ['organisation_added', 'organisationAdded'], unsubscribed: ['organisation_added', 'organisationAdded'] },
	stop: { unknown: ['unsubscribed', 'unsubscribed'], member: ['unsubscribed', 'unsubscribed'], member_of_several: ['unsubscribed', 'unsubscribed'], unsubscribed: ['ignored_unsubscribed', 'nothing'] },
	start: { unknown: ['access_notice', 'accessHowTo'], member: ['documents_only', 'documentsOnly'], member_of_several: ['organisation_picker', 'picker'], unsubscribed: ['resubscribed', 'resubscribed'] },
	language: { unknown: ['access_notice', 'accessHowTo'], member: ['language_chosen', 'languageChosen'], member_of_several: ['language_chosen', 'languageChosen'], unsubscribed: ['ignored_unsubscribed', 'nothing'] },
	chooseOrganisation: { unknown: ['access_notice', 'accessHowTo'], member: ['organisation_not_yours', 'organisationNotYours'], member_of_several: ['organisation_chosen', 'organisationChosen'], unsubscribed: ['ignored_unsubscribed', 'nothing'] },
	pickerPage: { unknown: ['access_notice', 'accessHowTo'], member: ['organisation_picker', 'picker'], member_of_several: ['organisation_picker', 'picker'], unsubscribed: ['ignored_unsubscribed', 'nothing'] },
	text: { unknown: ['access_notice', 'accessHowTo'], member: ['documents_only', 'documentsOnly'], member_of_several: ['organisation_picker', 'picker'], unsubscribed: ['ignored_unsubscribed', 'nothing'] },
	ignore: { unknown: ['ignored', 'nothing'], member: ['ignored', 'nothing'], member_of_several: ['ignored', 'nothing'], unsubscribed: ['ignored_unsubscribed', 'nothing'] },
};

const cases = Object.entries(EXPECTED).flatMap(([intent, byState]) => Object.entries(byState).map(([state, [outcome, sent]]) => [intent, state, outcome, sent] as const));

describe('every intent × every sender state', () => {
	test.each(cases)('%s from a sender who is %s → %s', (intent, state, outcome, sent) => {
		const decision = decide(INTENTS[intent](), STATES[state](), settings);
		expect(decision.intent).toBe(intent);
		expect(decision.state).toBe(state);
		expect(decision.outcome).toBe(outcome);
		expect(Boolean(decision.document)).toBe(sent === 'document');
		expect(Boolean(decision.picker)).toBe(sent === 'picker');
		if (sent === 'nothing' || sent === 'document' || sent === 'picker') expect(decision.reply).toBeUndefined();
		else expect(decision.reply?.startsWith(DEFAULT_TEXTS[decision.language][sent as keyof (typeof DEFAULT_TEXTS)['en']].split('{')[0])).toBe(true);
		if (sent === 'nothing') expect(decision.saves).toEqual([]);
	});
});

describe('each language, each state', () => {
	const countryOf = { en: '447911123456', fr: '33612345678', es: '34612345678', de: '4915123456789', it: '393471234567' } as const;
	test.each(LANGUAGES.flatMap((language) => Object.keys(STATES).filter((state) => state !== 'unsubscribed').map((state) => [language, state] as const)))('%s: a sender who is %s is answered in it', (language, state) => {
		const waId = countryOf[language];
		const rows = STATES[state]().map((existing) => ({ ...existing, waId }));
		const decision = decide({ ...text('?'), waId }, rows, settings);
		expect(decision.language).toBe(language);
		const answer = decision.reply ?? decision.picker?.body ?? '';
		const key = state === 'unknown' ? 'accessHowTo' : state === 'member' ? 'documentsOnly' : 'pickerBody';
		expect(answer.startsWith(DEFAULT_TEXTS[language][key].split('{')[0])).toBe(true);
	});
});

describe('activation never links another organisation or membership than its code names', () => {
	test('property', () => {
		const organisation = fc.constantFrom(...ORGANISATIONS);
		const membership = fc.uuid();
		const existing = fc.array(fc.record({ organisation, membership, mine: fc.boolean(), isDefault: fc.boolean() }), { maxLength: 4 });
		fc.assert(
			fc.property(organisation, membership, existing, (target, membershipId, others) => {
				const rows = others.map((other, index) => link(index + 1, other.organisation, { membershipId: other.membership, isDefault: other.isDefault, waId: other.mine ? WA : `49170000000${index}` }));
				const code = createActivationCode({ organisationId: target.id, membershipId, expiresAt: new Date('2026-12-10T00:00:00Z') }, SECRET);
				const decision = decide(text(code), rows, settings);
				const linked = decision.saves.filter((saved) => saved.organisationId && !rows.some((before) => before.id === saved.id && before.organisationId === saved.organisationId));
				for (const saved of linked) {
					expect(saved.organisationId).toBe(target.id);
					expect(saved.membershipId).toBe(membershipId);
					expect(saved.waId).toBe(WA);
				}
				expect(linked.length).toBeLessThanOrEqual(1);
				if (linked.length === 1) expect(['activated', 'organisation_added']).toContain(decision.outcome);
			}),
			{ numRuns: 500 },
		);
	});
});
