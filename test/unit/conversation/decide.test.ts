// The conversation's decisions for every intent in every sender state, and the language of every answer.
import { subHours, subMinutes } from 'date-fns';

import { createActivationCode } from '../../../src/conversation/activation';
import { paymentFacts } from '../../../src/conversation/attached';
import { decide, type InboxSettings } from '../../../src/conversation/decide';
import type { MemberRow } from '../../../src/conversation/directory';
import type { IncomingMessage } from '../../../src/conversation/intents';
import { offeredFromTransaction, type OfferedPayment } from '../../../src/conversation/offeredPayments';
import { DEFAULT_TEXTS, fillText, mergeTexts } from '../../../src/conversation/texts';
import { transaction } from '../matching/builders';

const SECRET = 'a-test-secret-of-32-characters!!';
const NOW = new Date('2026-12-01T10:00:00Z');
const ACME = { id: 'acme-sas-1234', name: 'ACME SAS' };
const GLOBEX = { id: 'globex-gmbh-5678', name: 'Globex GmbH' };
const MEMBERSHIP_A = 'c9f9f051-7558-451c-b310-f4b8521424aa';
const MEMBERSHIP_B = '0b9c2a0e-1f3d-4e5a-8b6c-7d8e9f0a1b2c';
const SENDER = '60123456789'; // Malaysia: no language of ours, so the default (English)

const settings = (changes: Partial<InboxSettings> = {}): InboxSettings => ({
	organisations: [ACME, GLOBEX],
	defaultLanguage: 'en',
	maxFileSizeMb: 15,
	texts: mergeTexts({}),
	activationSecret: SECRET,
	now: NOW,
	...changes,
});

let nextId = 1;
function row(changes: Partial<MemberRow> = {}): MemberRow {
	return { id: nextId++, waId: SENDER, userId: '', name: 'Ana', organisationId: '', organisationName: '', membershipId: '', isDefault: false, subscribed: true, language: '', lastNoticeOn: '', linkedAt: '2026-11-01T00:00:00.000Z', nudge: {}, ...changes };
}
const link = (organisation: { id: string; name: string }, membershipId: string, changes: Partial<MemberRow> = {}) =>
	row({ organisationId: organisation.id, organisationName: organisation.name, membershipId, ...changes });

function message(kind: string, changes: Partial<IncomingMessage> & { body?: string; choiceId?: string } = {}): IncomingMessage {
	const { body, choiceId, ...rest } = changes;
	return {
		messageId: `wamid.${nextId++}`,
		waId: SENDER,
		userId: null,
		profileName: 'Ana',
		kind,
		text: kind === 'text' ? { body: body ?? 'hello' } : null,
		choice: kind === 'choice' ? { id: choiceId ?? '', title: null } : null,
		...rest,
	};
}
const text = (body: string, changes: Partial<IncomingMessage> = {}) => message('text', { body, ...changes });
const code = (organisationId: string, membershipId: string, expiresAt = new Date('2026-12-15T00:00:00Z'), secret = SECRET) =>
	createActivationCode({ organisationId, membershipId, expiresAt }, secret);
const activationText = (activationCode: string) => `Hello! I want to send my receipts to ACME SAS. My activation code: ${activationCode}`;

const en = DEFAULT_TEXTS.en;

describe('an unknown sender', () => {
	test.each([
		['a document', message('document')],
		['a text', text('hi, who are you?')],
		['a forged organisation choice', message('choice', { choiceId: `org:${ACME.id}` })],
		['START', text('START')],
	])('gets how to get access for %s, and a contact row remembering the day', (_what, incoming) => {
		const decision = decide(incoming, [], settings());
		expect(decision).toMatchObject({ state: 'unknown', outcome: 'access_notice', reply: en.accessHowTo });
		expect(decision.document).toBeUndefined();
		expect(decision.saves).toEqual([expect.objectContaining({ id: 0, waId: SENDER, organisationId: '', lastNoticeOn: '2026-12-01', subscribed: true })]);
	});

	test('gets that answer at most once a day', () => {
		const contact = row({ lastNoticeOn: '2026-12-01' });
		const decision = decide(message('document'), [contact], settings());
		expect(decision).toMatchObject({ outcome: 'ignored_notice_given_today', saves: [] });
		expect(decision.reply).toBeUndefined();
		const nextDay = decide(message('document'), [contact], settings({ now: new Date('2026-12-02T08:00:00Z') }));
		expect(nextDay).toMatchObject({ outcome: 'access_notice', reply: en.accessHowTo, saves: [expect.objectContaining({ id: contact.id, lastNoticeOn: '2026-12-02' })] });
	});

	test('is linked by a valid activation code: first organisation, default, welcome', () => {
		const decision = decide(text(activationText(code(ACME.id, MEMBERSHIP_A))), [], settings());
		expect(decision).toMatchObject({ outcome: 'activated', state: 'unknown' });
		expect(decision.reply).toContain('Welcome, Ana! Your WhatsApp is now linked to ACME SAS.');
		expect(decision.reply).toContain('up to 15 MB');
		expect(decision.reply).toContain('STOP');
		expect(decision.saves).toEqual([
			expect.objectContaining({ id: 0, waId: SENDER, organisationId: ACME.id, organisationName: 'ACME SAS', membershipId: MEMBERSHIP_A, isDefault: true, subscribed: true, linkedAt: NOW.toISOString() }),
		]);
	});

	test('turns its contact row into the link rather than adding a row', () => {
		const contact = row({ lastNoticeOn: '2026-11-30' });
		const decision = decide(text(code(ACME.id, MEMBERSHIP_A)), [contact], settings());
		expect(decision.saves).toEqual([expect.objectContaining({ id: contact.id, organisationId: ACME.id, isDefault: true })]);
	});

	test.each([
		['forged (made with another secret)', () => code(ACME.id, MEMBERSHIP_A, undefined, 'another-secret-of-32-characters!'), 'activation_bad_signature', en.activationInvalid],
		['altered', () => code(ACME.id, MEMBERSHIP_A).replace(MEMBERSHIP_A, MEMBERSHIP_B), 'activation_bad_signature', en.activationInvalid],
		['expired', () => code(ACME.id, MEMBERSHIP_A, new Date('2026-11-30T00:00:00Z')), 'activation_expired', en.activationExpired],
		['for an organisation this inbox does not serve', () => code('initech-9999', MEMBERSHIP_A), 'activation_other_organisation', en.activationOtherOrganisation],
	])('is refused a code that is %s, and nothing is linked', (_what, makeCode, outcome, reply) => {
		const decision = decide(text(activationText(makeCode())), [], settings());
		expect(decision).toMatchObject({ outcome, reply, saves: [] });
	});

	test('is refused a code whose membership another WhatsApp account already uses', () => {
		const holder = link(ACME, MEMBERSHIP_A, { waId: '33612345678', isDefault: true });
		const decision = decide(text(code(ACME.id, MEMBERSHIP_A)), [holder], settings());
		expect(decision).toMatchObject({ outcome: 'activation_used', reply: en.activationUsed, saves: [] });
	});

	test('can STOP: a contact row remembers it', () => {
		const decision = decide(text('Stop'), [], settings());
		expect(decision).toMatchObject({ outcome: 'unsubscribed', reply: en.unsubscribed, saves: [expect.objectContaining({ id: 0, subscribed: false, organisationId: '' })] });
	});

	test('is recognised by the business-scoped user id alone', () => {
		const byUserId = link(ACME, MEMBERSHIP_A, { waId: '', userId: 'US.123', isDefault: true });
		const decision = decide(message('document', { waId: null, userId: 'US.123' }), [byUserId], settings());
		expect(decision).toMatchObject({ state: 'member', outcome: 'document' });
	});
});

describe('a member of one organisation', () => {
	const acme = () => link(ACME, MEMBERSHIP_A, { isDefault: true });

	test('sends a document: processed for that organisation, with the inbox context', () => {
		const decision = decide(message('document'), [acme()], settings());
		expect(decision).toMatchObject({ state: 'member', outcome: 'document', saves: [] });
		expect(decision.document).toMatchObject({ organisation: ACME, membershipId: MEMBERSHIP_A, language: 'en', maxFileSizeMb: 15 });
		expect(decision.document?.texts.unsupported_type).toBe(en.unsupported_type);
		expect(decision.reply).toBeUndefined();
	});

	test('writes text: "documents only" with the size limit', () => {
		const decision = decide(text('Can you help me with my card?'), [acme()], settings({ maxFileSizeMb: 10 }));
		expect(decision).toMatchObject({ outcome: 'documents_only', saves: [] });
		expect(decision.reply).toContain('only takes receipts and supplier invoices');
		expect(decision.reply).toContain('up to 10 MB');
	});

	test('re-sends its own valid code: harmless', () => {
		const decision = decide(text(code(ACME.id, MEMBERSHIP_A)), [acme()], settings());
		expect(decision).toMatchObject({ outcome: 'already_linked', reply: en.alreadyLinked.replace('{organisation}', 'ACME SAS'), saves: [] });
	});

	test('adds a second organisation with its code: linked, not default', () => {
		const current = acme();
		const decision = decide(text(code(GLOBEX.id, MEMBERSHIP_B)), [current], settings());
		expect(decision).toMatchObject({ outcome: 'organisation_added', state: 'member' });
		expect(decision.reply).toContain('also linked to Globex GmbH');
		expect(decision.reply).toContain('still go to ACME SAS');
		expect(decision.saves).toEqual([expect.objectContaining({ id: 0, organisationId: GLOBEX.id, membershipId: MEMBERSHIP_B, isDefault: false })]);
	});

	test('STOP (any translation, any case or accent) unsubscribes every row, once', () => {
		for (const word of ['STOP', 'stopp', 'Arrêt', 'ARRET', 'baja', 'Alto', 'BASTA', 'disiscrivimi', 'Abmelden']) {
			const decision = decide(text(word), [acme()], settings());
			expect(decision).toMatchObject({ intent: 'stop', outcome: 'unsubscribed', saves: [expect.objectContaining({ subscribed: false })] });
		}
	});

	test('chooses a language by writing its name', () => {
		const decision = decide(text('Deutsch'), [acme()], settings());
		expect(decision).toMatchObject({ outcome: 'language_chosen', language: 'de', reply: DEFAULT_TEXTS.de.languageChosen, saves: [expect.objectContaining({ language: 'de' })] });
	});

	test('a forged list reply for an organisation it is not linked to changes nothing', () => {
		const decision = decide(message('choice', { choiceId: `org:${GLOBEX.id}` }), [acme()], settings());
		expect(decision).toMatchObject({ outcome: 'organisation_not_yours', reply: en.organisationNotYours, saves: [] });
	});

	test('a reaction is ignored', () => {
		expect(decide(message('reaction'), [acme()], settings())).toMatchObject({ outcome: 'ignored', saves: [], reply: undefined });
	});

	test('its organisation removed from the workflow: told, nothing processed', () => {
		const decision = decide(message('document'), [acme()], settings({ organisations: [GLOBEX] }));
		expect(decision.document).toBeUndefined();
		expect(decision).toMatchObject({ outcome: 'organisation_unavailable', reply: en.organisationUnavailable.replace('{organisation}', 'ACME SAS') });
	});

	test('a row found by phone gets the user id Meta now sends, so a later username keeps access', () => {
		const current = acme();
		const decision = decide(message('document', { userId: 'US.777' }), [current], settings());
		expect(decision.saves).toEqual([expect.objectContaining({ id: current.id, userId: 'US.777', waId: SENDER })]);
	});
});

describe('a member of several organisations', () => {
	const rows = () => [link(ACME, MEMBERSHIP_A, { isDefault: true }), link(GLOBEX, MEMBERSHIP_B)];

	test('writes text: gets the organisation picker (current one named)', () => {
		const decision = decide(text('hello'), rows(), settings());
		expect(decision).toMatchObject({ state: 'member_of_several', outcome: 'organisation_picker', saves: [] });
		expect(decision.picker).toMatchObject({ organisations: [ACME, GLOBEX], page: 1, body: 'Which organisation should receive your documents? Now: ACME SAS.' });
	});

	test('asks for the next picker page', () => {
		expect(decide(message('choice', { choiceId: 'orgpage:2' }), rows(), settings()).picker).toMatchObject({ page: 2 });
	});

	test('chooses an organisation it is linked to: it becomes the default, confirmed', () => {
		const [acme, globex] = rows();
		const decision = decide(message('choice', { choiceId: `org:${GLOBEX.id}` }), [acme, globex], settings());
		expect(decision).toMatchObject({ outcome: 'organisation_chosen', reply: 'Done: your documents now go to Globex GmbH.' });
		expect(decision.saves).toEqual([expect.objectContaining({ id: acme.id, isDefault: false }), expect.objectContaining({ id: globex.id, isDefault: true })]);
	});

	test('its documents go to the default organisation', () => {
		const [acme, globex] = rows();
		acme.isDefault = false;
		globex.isDefault = true;
		expect(decide(message('document'), [acme, globex], settings()).document?.organisation).toEqual(GLOBEX);
	});

	test('a duplicated row (concurrent writes on Postgres) does not make a third organisation', () => {
		const [acme, globex] = rows();
		const duplicate = { ...acme, id: 999, isDefault: false };
		expect(decide(text('hi'), [acme, globex, duplicate], settings()).picker?.organisations).toEqual([ACME, GLOBEX]);
	});
});

describe('an unsubscribed sender', () => {
	const rows = () => [link(ACME, MEMBERSHIP_A, { isDefault: true, subscribed: false })];

	test.each([
		['a document', message('document')],
		['a text', text('hello?')],
		['STOP again', text('STOP')],
		['a list reply', message('choice', { choiceId: `org:${ACME.id}` })],
	])('%s: nothing processed, nothing sent, nothing saved', (_what, incoming) => {
		const decision = decide(incoming, rows(), settings());
		expect(decision).toMatchObject({ state: 'unsubscribed', outcome: 'ignored_unsubscribed', saves: [] });
		expect(decision.reply).toBeUndefined();
		expect(decision.document).toBeUndefined();
		expect(decision.picker).toBeUndefined();
	});

	test.each(['START', 'start', 'Démarrer', 'ALTA', 'Anmelden', 'iscrivimi'])('%s subscribes again', (word) => {
		const decision = decide(text(word), rows(), settings());
		expect(decision).toMatchObject({ outcome: 'resubscribed', reply: en.resubscribed, saves: [expect.objectContaining({ subscribed: true })] });
	});

	test('an unsubscribed stranger who sends START is told how to get access', () => {
		const decision = decide(text('START'), [row({ subscribed: false })], settings());
		expect(decision).toMatchObject({ outcome: 'resubscribed', reply: en.accessHowTo });
	});

	test('a new activation code is as deliberate as START: linked and subscribed again', () => {
		const decision = decide(text(code(GLOBEX.id, MEMBERSHIP_B)), rows(), settings());
		expect(decision.outcome).toBe('organisation_added');
		expect(decision.saves.every((saved) => saved.subscribed)).toBe(true);
	});
});

describe('languages', () => {
	test.each([
		['33612345678', 'fr'],
		['4915123456789', 'de'],
		['34612345678', 'es'],
		['393471234567', 'it'],
		['447911123456', 'en'],
		['60123456789', 'en'],
	] as const)('a sender from %s is answered in %s', (waId, language) => {
		const decision = decide(text('hello', { waId }), [link(ACME, MEMBERSHIP_A, { waId, isDefault: true })], settings());
		expect(decision.language).toBe(language);
		expect(decision.reply).toBe(DEFAULT_TEXTS[language].documentsOnly.replace('{formats}', 'PDF, JPEG, PNG, HEIC, HEIF').replace('{limitMb}', '15'));
	});

	test('a stored preference wins over the phone number', () => {
		const decision = decide(text('hello', { waId: '33612345678' }), [link(ACME, MEMBERSHIP_A, { waId: '33612345678', isDefault: true, language: 'it' })], settings());
		expect(decision.language).toBe('it');
	});

	test("the workflow's default language for countries we do not speak", () => {
		expect(decide(text('hello'), [], settings({ defaultLanguage: 'es' })).reply).toBe(DEFAULT_TEXTS.es.accessHowTo);
	});

	test("an admin's text replaces the built-in one, in that language only", () => {
		const texts = mergeTexts({ fr: { accessHowTo: 'Demandez votre lien à Paul.' } });
		expect(decide(text('salut', { waId: '33612345678' }), [], settings({ texts })).reply).toBe('Demandez votre lien à Paul.');
		expect(decide(text('hi'), [], settings({ texts })).reply).toBe(en.accessHowTo);
	});

	test('every language has every text, with the same placeholders as English', () => {
		const placeholders = (value: string) => [...value.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
		for (const language of Object.keys(DEFAULT_TEXTS) as Array<keyof typeof DEFAULT_TEXTS>) {
			for (const [key, english] of Object.entries(en)) {
				const translated = DEFAULT_TEXTS[language][key as keyof typeof en];
				expect(translated).toBeTruthy();
				expect([language, key, placeholders(translated)]).toEqual([language, key, placeholders(english)]);
			}
		}
	});
});

describe('reminders and questions', () => {
	const offered = (changes: Record<string, unknown> = {}) => offeredFromTransaction(transaction({ emitted_at: '2026-11-28T09:00:00.000Z', ...changes })) as OfferedPayment;
	const amazon = offered({ clean_counterparty_name: 'AMAZON EU', amount_cents: 2390, local_amount_cents: 2390, card_last_digits: '1234' });
	const taxi = offered({ clean_counterparty_name: 'G7 TAXI', amount_cents: 3150, local_amount_cents: 3150 });
	const sentAt = (hoursAgo: number) => subHours(NOW, hoursAgo).toISOString();
	const choice = (choiceId: string, changes: Partial<IncomingMessage> = {}) => message('choice', { choiceId, ...changes });
	const pickedReply = (payment: OfferedPayment, minutes: number, language: 'en' | 'fr' = 'en') => {
		const facts = paymentFacts(payment, language, NOW);
		return fillText(DEFAULT_TEXTS[language].nudgePicked, { merchant: facts?.merchant, amount: facts?.amount, date: facts?.date, minutes });
	};

	describe('picking a payment in a reminder list', () => {
		test('an offered payment: the pick is saved on that row, and the sender is told what to send and how long they have', () => {
			const acme = link(ACME, MEMBERSHIP_A, { isDefault: true });
			const globex = link(GLOBEX, MEMBERSHIP_B, { nudge: { sentAt: sentAt(3), payments: [amazon, taxi] } });
			const decision = decide(choice(`n:${amazon.id}`), [acme, globex], settings());
			expect(decision).toMatchObject({ intent: 'nudgePick', outcome: 'nudge_picked', reply: pickedReply(amazon, 15) });
			expect(decision.saves).toEqual([{ ...globex, nudge: { ...globex.nudge, picked: { id: amazon.id, at: NOW.toISOString() } } }]);
			expect(decision.reply).toContain('AMAZON EU');
		});

		test('the minutes follow the setting, and the reply the sender\'s language', () => {
			const acme = link(ACME, MEMBERSHIP_A, { isDefault: true, language: 'fr', nudge: { sentAt: sentAt(1), payments: [taxi] } });
			const decision = decide(choice(`n:${taxi.id}`), [acme], settings({ pickMinutes: 30 }));
			expect(decision.reply).toBe(pickedReply(taxi, 30, 'fr'));
		});

		test('offered in two organisations: the latest reminder is the one picked from', () => {
			const acme = link(ACME, MEMBERSHIP_A, { isDefault: true, nudge: { sentAt: sentAt(30), payments: [taxi] } });
			const globex = link(GLOBEX, MEMBERSHIP_B, { nudge: { sentAt: sentAt(2), payments: [taxi] } });
			const decision = decide(choice(`n:${taxi.id}`), [acme, globex], settings());
			expect(decision.saves.map((saved) => [saved.id, saved.nudge.picked?.id])).toEqual([[globex.id, taxi.id]]);
		});

		test.each([
			['a forged id', (rows: MemberRow[]) => rows, 'n:tx-forged'],
			['a payment offered to someone else', (rows: MemberRow[]) => [...rows, link(GLOBEX, MEMBERSHIP_B, { waId: '4915100000009', nudge: { sentAt: sentAt(1), payments: [amazon] } })], `n:${amazon.id}`],
		])('%s: refused, nothing saved', (_what, withRows, choiceId) => {
			const own = link(ACME, MEMBERSHIP_A, { isDefault: true, nudge: { sentAt: sentAt(1), payments: [taxi] } });
			const decision = decide(choice(choiceId), withRows([own]), settings());
			expect(decision).toMatchObject({ outcome: 'nudge_not_offered', reply: en.nudgeNotOffered, saves: [] });
		});
	});

	describe('the reminder template\'s "show" button', () => {
		test('sends the list of the latest reminder again, now that the sender wrote', () => {
			const acme = link(ACME, MEMBERSHIP_A, { isDefault: true, nudge: { sentAt: sentAt(40), payments: [taxi] } });
			const globex = link(GLOBEX, MEMBERSHIP_B, { nudge: { sentAt: sentAt(30), payments: [amazon, taxi] } });
			const decision = decide(choice('n:show'), [acme, globex], settings());
			expect(decision).toMatchObject({ intent: 'nudgeShow', outcome: 'nudge_list', saves: [] });
			expect(decision.reply).toBeUndefined();
			expect(decision.choices?.rows.map((row) => row.id)).toEqual([`n:${amazon.id}`, `n:${taxi.id}`]);
			expect(decision.choices).toMatchObject({ button: en.nudgeButton, footer: en.nudgeFooter });
		});

		test('nothing was offered: "nothing waiting"', () => {
			const decision = decide(choice('n:show'), [link(ACME, MEMBERSHIP_A, { isDefault: true })], settings());
			expect(decision).toMatchObject({ outcome: 'nudge_nothing', reply: en.nudgeNothing, saves: [] });
			expect(decision.choices).toBeUndefined();
		});
	});

	describe('REMINDERS OFF / ON', () => {
		test.each([
			['reminders off', 'en'],
			['No reminders!', 'en'],
			['Rappels non', 'fr'],
			['pas de rappels', 'fr'],
			['RECORDATORIOS NO', 'es'],
			['Sin recordatorios', 'es'],
			['Erinnerungen aus', 'de'],
			['keine Erinnerungen', 'de'],
			['promemoria no', 'it'],
			['Niente promemoria.', 'it'],
		] as const)('%s turns reminders off on every link, answered in the sender\'s language', (word, language) => {
			const acme = link(ACME, MEMBERSHIP_A, { isDefault: true, language, nudge: { sentAt: sentAt(2), payments: [taxi] } });
			const globex = link(GLOBEX, MEMBERSHIP_B, { language });
			const decision = decide(text(word), [acme, globex], settings());
			expect(decision).toMatchObject({ intent: 'nudgesOff', reply: DEFAULT_TEXTS[language].nudgesOff });
			expect(decision.saves).toEqual([{ ...acme, nudge: { ...acme.nudge, off: true } }, { ...globex, nudge: { off: true } }]);
		});

		test.each([
			['REMINDERS ON', 'en'],
			['Rappels oui', 'fr'],
			['recordatorios sí', 'es'],
			['Erinnerungen an', 'de'],
			['Promemoria sì', 'it'],
		] as const)('%s turns them on again', (word, language) => {
			const acme = link(ACME, MEMBERSHIP_A, { isDefault: true, language, nudge: { off: true, sentAt: sentAt(50) } });
			const decision = decide(text(word), [acme], settings());
			expect(decision).toMatchObject({ intent: 'nudgesOn', reply: DEFAULT_TEXTS[language].nudgesOn });
			expect(decision.saves).toEqual([{ ...acme, nudge: { sentAt: acme.nudge.sentAt } }]);
		});

		test('a stranger writing REMINDERS OFF hears how to get access', () => {
			expect(decide(text('REMINDERS OFF'), [], settings()).outcome).toBe('access_notice');
		});
	});

	describe('an answer to "which payment is this document for?"', () => {
		test('a member: handed to the workflow with the sender\'s language and texts, nothing said, nothing saved', () => {
			const decision = decide(choice('q:wamid.DOC:tx-1'), [link(ACME, MEMBERSHIP_A, { isDefault: true, language: 'de' })], settings());
			expect(decision).toMatchObject({ intent: 'answer', saves: [], answer: { documentMessageId: 'wamid.DOC', choice: 'tx-1', language: 'de', texts: DEFAULT_TEXTS.de } });
			expect(decision.reply).toBeUndefined();
		});

		test('a stranger: how to get access; unsubscribed: silence; never an answer to check', () => {
			const stranger = decide(choice('q:wamid.DOC:none'), [], settings());
			const unsubscribed = decide(choice('q:wamid.DOC:none'), [link(ACME, MEMBERSHIP_A, { subscribed: false })], settings());
			expect([stranger.outcome, stranger.answer]).toEqual(['access_notice', undefined]);
			expect([unsubscribed.outcome, unsubscribed.answer, unsubscribed.reply]).toEqual(['ignored_unsubscribed', undefined, undefined]);
		});
	});

	describe('a document right after a pick', () => {
		const rows = (picked: { id: string; at: string } | undefined) => [
			link(ACME, MEMBERSHIP_A, { isDefault: true }),
			link(GLOBEX, MEMBERSHIP_B, { nudge: { sentAt: sentAt(1), payments: [amazon, taxi], ...(picked ? { picked } : {}) } }),
		];

		test('a fresh pick: the document goes to the organisation of that reminder, with the payment; the pick is used up', () => {
			const [, globex] = rows({ id: taxi.id, at: subMinutes(NOW, 5).toISOString() });
			const decision = decide(message('document'), [rows(undefined)[0], globex], settings());
			expect(decision.document).toMatchObject({ organisation: GLOBEX, membershipId: MEMBERSHIP_B, payment: taxi });
			expect(decision.saves).toEqual([{ ...globex, nudge: { sentAt: globex.nudge.sentAt, payments: globex.nudge.payments } }]);
		});

		test('a stale pick is ignored: the default organisation, no payment, nothing saved', () => {
			const decision = decide(message('document'), rows({ id: taxi.id, at: subMinutes(NOW, 16).toISOString() }), settings());
			expect(decision.document).toMatchObject({ organisation: ACME, membershipId: MEMBERSHIP_A });
			expect(decision.document?.payment).toBeUndefined();
			expect(decision.saves).toEqual([]);
		});

		test('the window follows the setting', () => {
			const decision = decide(message('document'), rows({ id: taxi.id, at: subMinutes(NOW, 16).toISOString() }), settings({ pickMinutes: 20 }));
			expect(decision.document).toMatchObject({ organisation: GLOBEX, payment: taxi });
		});

		test('a pick of a payment that row never offered is ignored', () => {
			const decision = decide(message('document'), rows({ id: 'tx-forged', at: subMinutes(NOW, 1).toISOString() }), settings());
			expect(decision.document).toMatchObject({ organisation: ACME });
			expect(decision.document?.payment).toBeUndefined();
		});
	});
});
