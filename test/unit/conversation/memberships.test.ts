// The 09:00 membership refresh: links of memberships gone or no longer active end, and the sender hears so;
// active memberships nobody has activated are listed for the admin.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createActivationCode } from '../../../src/conversation/activation';
import { decide, type InboxSettings } from '../../../src/conversation/decide';
import type { MemberRow } from '../../../src/conversation/directory';
import type { IncomingMessage } from '../../../src/conversation/intents';
import { refreshMemberships } from '../../../src/conversation/memberships';
import { DEFAULT_TEXTS, mergeTexts } from '../../../src/conversation/texts';

const QONTO = join(__dirname, '../../fixtures/api/qonto/docs_examples');
/** The documented `GET /v2/memberships` answer: one active owner. */
const documented = JSON.parse(readFileSync(join(QONTO, 'memberships_list.response.json'), 'utf8')) as { memberships: Array<Record<string, unknown>> };
const OWNER = documented.memberships[0];
const membership = (id: string, status: string, first_name = 'Ana') => ({ ...OWNER, id, status, first_name, last_name: 'Lopez', role: 'employee' });

let nextId = 1;
const row = (changes: Partial<MemberRow> = {}): MemberRow => ({
	id: nextId++,
	waId: `336${String(nextId).padStart(8, '0')}`,
	userId: '',
	name: 'Ana',
	organisationId: 'acme',
	organisationName: 'ACME SAS',
	membershipId: '',
	isDefault: true,
	subscribed: true,
	language: 'fr',
	lastNoticeOn: '',
	linkedAt: '2026-01-10T08:00:00.000Z',
	nudge: {},
	...changes,
});

describe('refreshing one organisation', () => {
	test('the owner of the documented answer keeps their link and is not listed', () => {
		const owner = row({ membershipId: String(OWNER.id) });
		expect(refreshMemberships([owner], 'acme', documented)).toEqual({ unlink: [], notActivated: [] });
	});

	test('links end when the membership is revoked or gone; other organisations and contact rows are not touched', () => {
		const revoked = row({ membershipId: 'm-revoked' });
		const gone = row({ membershipId: 'm-gone', isDefault: false });
		const handMade = row({ membershipId: '' });
		const active = row({ membershipId: 'm-active' });
		const elsewhere = row({ organisationId: 'globex', membershipId: 'm-revoked' });
		const contact = row({ organisationId: '', organisationName: '', isDefault: false });
		const { unlink } = refreshMemberships([revoked, gone, handMade, active, elsewhere, contact], 'acme', [membership('m-revoked', 'revoked'), membership('m-active', 'active')]);
		expect(unlink).toEqual([
			{ row: { ...revoked, organisationId: '', isDefault: false }, reason: 'membership revoked' },
			{ row: { ...gone, organisationId: '' }, reason: 'membership not found in Qonto' },
			{ row: { ...handMade, organisationId: '', isDefault: false }, reason: 'no membership id' },
		]);
	});

	test('statuses are read in any case; an invited membership is not an active one', () => {
		const invited = row({ membershipId: 'm-invited' });
		const shouting = row({ membershipId: 'm-active' });
		const { unlink } = refreshMemberships([invited, shouting], 'acme', { memberships: [membership('m-invited', 'invited'), membership('m-active', 'ACTIVE')] });
		expect(unlink.map((entry) => [entry.row.id, entry.reason])).toEqual([[invited.id, 'membership invited']]);
	});

	test('active memberships nobody linked are listed, as Qonto gave them (the input of Create Activation Links)', () => {
		const linked = row({ membershipId: 'm-1' });
		const ben = membership('m-2', 'active', 'Ben');
		const { notActivated } = refreshMemberships([linked], 'acme', [membership('m-1', 'active'), ben, membership('m-3', 'revoked', 'Carl')]);
		expect(notActivated).toEqual([ben]);
	});

	test('an empty listing unlinks nobody: every organisation has an owner, so Qonto did not answer in full', () => {
		const linked = row({ membershipId: 'm-1' });
		expect(refreshMemberships([linked], 'acme', { memberships: [] })).toEqual({ unlink: [], notActivated: [], warning: 'Qonto listed no memberships for acme: nobody was unlinked' });
		expect(refreshMemberships([linked], 'acme', 'not a list')).toMatchObject({ unlink: [] });
	});
});

describe('after the link ended', () => {
	const NOW = new Date('2026-06-01T10:00:00Z');
	const settings: InboxSettings = { organisations: [{ id: 'acme', name: 'ACME SAS' }], defaultLanguage: 'en', maxFileSizeMb: 15, texts: mergeTexts({}), activationSecret: 'a-test-secret-of-32-characters!!', now: NOW };
	const documentFrom = (waId: string): IncomingMessage => ({ messageId: `wamid.${nextId++}`, waId, userId: null, profileName: 'Ana', kind: 'document', text: null, choice: null });

	test('the next document gets "your access has ended" in their language, once a day, and nothing is stored', () => {
		const linked = row({ membershipId: 'm-revoked' });
		const [{ row: ended }] = refreshMemberships([linked], 'acme', [OWNER]).unlink;
		const decision = decide(documentFrom(linked.waId), [ended], settings);
		expect(decision).toMatchObject({ state: 'unknown', outcome: 'access_ended', language: 'fr', reply: DEFAULT_TEXTS.fr.accessEnded });
		expect(decision.document).toBeUndefined();
		expect(decision.saves).toEqual([{ ...ended, lastNoticeOn: '2026-06-01' }]);
		expect(decide(documentFrom(linked.waId), decision.saves, settings)).toMatchObject({ outcome: 'ignored_notice_given_today', reply: undefined });
	});

	test('a sender who still has another organisation goes on sending there', () => {
		const acme = row({ membershipId: 'm-revoked' });
		const globex = row({ waId: acme.waId, organisationId: 'globex', organisationName: 'Globex', membershipId: 'm-g', isDefault: false });
		const [{ row: ended }] = refreshMemberships([acme, globex], 'acme', [OWNER]).unlink;
		const decision = decide(documentFrom(acme.waId), [ended, globex], { ...settings, organisations: [...settings.organisations, { id: 'globex', name: 'Globex' }] });
		expect(decision).toMatchObject({ outcome: 'document', document: { organisation: { id: 'globex' }, membershipId: 'm-g' } });
	});

	test('a new activation code links them again, on the same row', () => {
		const linked = row({ membershipId: 'm-revoked' });
		const [{ row: ended }] = refreshMemberships([linked], 'acme', [OWNER]).unlink;
		const code = createActivationCode({ organisationId: 'acme', membershipId: 'm-new', expiresAt: new Date('2026-06-10T00:00:00Z') }, settings.activationSecret);
		const activation: IncomingMessage = { ...documentFrom(linked.waId), kind: 'text', text: { body: `Bonjour ! Mon code d’activation : ${code}` } };
		const decision = decide(activation, [ended], settings);
		expect(decision).toMatchObject({ outcome: 'activated', saves: [expect.objectContaining({ id: ended.id, organisationId: 'acme', membershipId: 'm-new', isDefault: true })] });
	});
});
