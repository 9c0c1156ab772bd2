/**
 * The conversation's decisions: given one incoming message and the directory rows of its sender, what happens —
 * process a document for an organisation, change the directory, answer, or stay silent. Pure: the Invoice Inbox
 * node turns a decision into items on its outputs, and the workflow's Data Table and WhatsApp nodes carry it out.
 */
import { isBefore, subMinutes } from 'date-fns';

import { timestampOf } from '../common/dates';
import { verifyActivationCode } from './activation';
import { paymentFacts } from './attached';
import type { ChoiceMessage } from '../whatsapp/outgoing';
import { personOf, otherHolderOf, type MemberRow, type Person } from './directory';
import { readIntent, type IncomingMessage, type Intent } from './intents';
import { chooseLanguage, type Language } from './languages';
import { nudgeChoices, type NudgeState } from './nudges';
import type { OfferedPayment } from './offeredPayments';
import { ACCEPTED_FORMATS, fillText, type TextKey, type TextTable } from './texts';

export interface Organisation {
	id: string;
	name: string;
}

export interface InboxSettings {
	/** The organisations this workflow files documents for (each has its branch in the workflow). */
	organisations: Organisation[];
	defaultLanguage: Language;
	maxFileSizeMb: number;
	texts: TextTable;
	activationSecret: string;
	now: Date;
	/** How long after picking a payment in a reminder the sender's document is taken as its receipt. Default 15. */
	pickMinutes?: number;
}

export const DEFAULT_PICK_MINUTES = 15;

export type SenderState = 'unknown' | 'member' | 'member_of_several' | 'unsubscribed';

/** What the document path needs to know about the sender, carried on the document's item. */
export interface InboxContext {
	organisation: Organisation;
	membershipId: string;
	language: Language;
	maxFileSizeMb: number;
	/** Every text in the sender's language, unfilled (the failure reply fills in sizes). */
	texts: Record<TextKey, string>;
	/** The payment the sender picked in a reminder just before: the document is its receipt. */
	payment?: OfferedPayment;
}

export interface PickerRequest {
	organisations: Organisation[];
	page: number;
	body: string;
	button: string;
	moreTitle: string;
	sectionTitle: string;
}

export interface Decision {
	intent: Intent['type'];
	state: SenderState;
	/** A short code for what was decided, for the execution log and tests (e.g. `activated`, `access_notice`). */
	outcome: string;
	language: Language;
	document?: InboxContext;
	/** Rows to write (id 0 = insert), only the ones that change. */
	saves: MemberRow[];
	reply?: string;
	picker?: PickerRequest;
	/** A message with choices to send (the reminder list). */
	choices?: ChoiceMessage;
	/** A reply to a question about a document's payment, for the workflow to check against the ledger. */
	answer?: { documentMessageId: string; choice: string; language: Language; texts: Record<TextKey, string> };
}

export function decide(message: IncomingMessage, rows: MemberRow[], settings: InboxSettings): Decision {
	const intent = readIntent(message);
	const person = personOf(rows, message);
	const state: SenderState = !person.subscribed ? 'unsubscribed' : person.links.length === 0 ? 'unknown' : person.links.length === 1 ? 'member' : 'member_of_several';
	const conversation = new Conversation(message, person, rows, settings, intent.type === 'language' ? intent.language : undefined);
	const base = { intent: intent.type, state };

	if (state === 'unsubscribed') {
		// After STOP: silence, whatever is sent, until START — or an activation code, which is just as deliberate.
		if (intent.type === 'activation') {
			conversation.updateAll({ subscribed: true });
			return conversation.activate(base, intent.code);
		}
		if (intent.type !== 'start') return conversation.done(base, 'ignored_unsubscribed');
		conversation.updateAll({ subscribed: true });
		return conversation.done(base, 'resubscribed', person.links.length ? 'resubscribed' : 'accessHowTo');
	}
	if (intent.type === 'ignore') return conversation.done(base, 'ignored');
	if (intent.type === 'stop') {
		if (person.rows.length === 0) conversation.insertContact({ subscribed: false });
		else conversation.updateAll({ subscribed: false });
		return conversation.done(base, 'unsubscribed', 'unsubscribed');
	}
	if (intent.type === 'activation') return conversation.activate(base, intent.code);
	if (state === 'unknown') return conversation.accessNotice(base);

	switch (intent.type) {
		case 'document':
			return conversation.document(base);
		case 'chooseOrganisation':
			return conversation.chooseOrganisation(base, intent.organisationId);
		case 'pickerPage':
			return conversation.picker(base, intent.page);
		case 'language':
			conversation.updateAll({ language: intent.language });
			return conversation.done(base, 'language_chosen', 'languageChosen');
		case 'nudgePick':
			return conversation.nudgePick(base, intent.transactionId);
		case 'nudgeShow':
			return conversation.nudgeShow(base);
		case 'nudgesOff':
			conversation.updateNudges((nudge) => ({ ...nudge, off: true }));
			return conversation.done(base, 'nudges_off', 'nudgesOff');
		case 'nudgesOn':
			conversation.updateNudges(({ off: _off, ...nudge }) => nudge);
			return conversation.done(base, 'nudges_on', 'nudgesOn');
		case 'answer': {
			const answer = { documentMessageId: intent.documentMessageId, choice: intent.choice, language: conversation.language, texts: settings.texts[conversation.language] };
			return conversation.done(base, 'answer', undefined, undefined, { answer });
		}
		default:
			// A text (or START while subscribed): members of several organisations get the picker.
			return state === 'member_of_several' ? conversation.picker(base, 1) : conversation.done(base, 'documents_only', 'documentsOnly');
	}
}

class Conversation {
	private readonly working = new Map<number, MemberRow>();
	private readonly inserts: MemberRow[] = [];
	readonly language: Language;

	constructor(
		private readonly message: IncomingMessage,
		private readonly person: Person,
		private readonly rows: MemberRow[],
		private readonly settings: InboxSettings,
		chosenLanguage: Language | undefined,
	) {
		this.language = chosenLanguage ?? chooseLanguage(person.language, message.waId, settings.defaultLanguage);
		for (const row of person.rows) this.working.set(row.id, { ...row });
		this.adoptNewIdentifiers();
	}

	/** Meta now sends a business-scoped user id and may later drop the phone number: record both while we have them. */
	private adoptNewIdentifiers(): void {
		for (const row of this.working.values()) {
			if (this.message.userId && !row.userId) row.userId = this.message.userId;
			if (this.message.waId && !row.waId) row.waId = this.message.waId;
		}
	}

	text(key: TextKey, values: Record<string, string | number | undefined> = {}): string {
		return fillText(this.settings.texts[this.language][key], { limitMb: this.settings.maxFileSizeMb, formats: ACCEPTED_FORMATS, ...values });
	}

	organisationName(id: string, fallback = id): string {
		return this.settings.organisations.find((organisation) => organisation.id === id)?.name ?? fallback;
	}

	updateAll(changes: Partial<MemberRow>): void {
		for (const row of this.working.values()) Object.assign(row, changes);
	}

	private newRow(fields: Partial<MemberRow>): MemberRow {
		return {
			id: 0,
			waId: this.message.waId ?? '',
			userId: this.message.userId ?? '',
			name: this.message.profileName ?? '',
			organisationId: '',
			organisationName: '',
			membershipId: '',
			isDefault: false,
			subscribed: true,
			language: this.person.language,
			lastNoticeOn: '',
			linkedAt: '',
			nudge: {},
			...fields,
		};
	}

	/** The sender's link rows as they will be saved. */
	private linkRows(): MemberRow[] {
		return [...this.working.values()].filter((row) => row.organisationId !== '');
	}

	/** Replaces (never mutates: the working rows share it with the originals) the reminder state of every link row. */
	updateNudges(change: (nudge: NudgeState) => NudgeState): void {
		for (const row of this.linkRows()) row.nudge = change(row.nudge);
	}

	/** The link row whose reminder was sent last, among those `accepts`. */
	private lastNudged(accepts: (nudge: NudgeState) => boolean): MemberRow | undefined {
		const sentAt = (row: MemberRow) => timestampOf(row.nudge.sentAt) ?? Number.NEGATIVE_INFINITY;
		return this.linkRows()
			.filter((row) => accepts(row.nudge))
			.sort((a, b) => sentAt(b) - sentAt(a) || a.id - b.id)[0];
	}

	private get pickMinutes(): number {
		return this.settings.pickMinutes ?? DEFAULT_PICK_MINUTES;
	}

	insertContact(fields: Partial<MemberRow>): void {
		this.inserts.push(this.newRow(fields));
	}

	done(base: Pick<Decision, 'intent' | 'state'>, outcome: string, replyKey?: TextKey, values?: Record<string, string | undefined>, extra: Partial<Decision> = {}): Decision {
		return { ...base, outcome, language: this.language, saves: this.changedRows(), reply: replyKey ? this.text(replyKey, values) : undefined, ...extra };
	}

	private changedRows(): MemberRow[] {
		const changed = this.person.rows.flatMap((original) => {
			const row = this.working.get(original.id);
			return row && JSON.stringify(row) !== JSON.stringify(original) ? [row] : [];
		});
		return [...changed, ...this.inserts];
	}

	/** A sender the directory does not link: how to get access, or that their access ended; at most once a day. */
	accessNotice(base: Pick<Decision, 'intent' | 'state'>): Decision {
		const today = this.settings.now.toISOString().slice(0, 10);
		const contact = this.person.contact && this.working.get(this.person.contact.id);
		if (contact?.lastNoticeOn === today) return this.done(base, 'ignored_notice_given_today');
		if (contact) contact.lastNoticeOn = today;
		else this.insertContact({ lastNoticeOn: today });
		return this.person.accessEnded ? this.done(base, 'access_ended', 'accessEnded') : this.done(base, 'access_notice', 'accessHowTo');
	}

	activate(base: Pick<Decision, 'intent' | 'state'>, code: string): Decision {
		const check = verifyActivationCode(code, this.settings.activationSecret, this.settings.now);
		if (!check.ok) return this.done(base, `activation_${check.reason}`, check.reason === 'expired' ? 'activationExpired' : 'activationInvalid');
		const organisation = this.settings.organisations.find((candidate) => candidate.id === check.organisationId);
		if (!organisation) return this.done(base, 'activation_other_organisation', 'activationOtherOrganisation');
		const existing = this.person.links.find((link) => link.organisationId === organisation.id);
		if (existing) return this.done(base, 'already_linked', 'alreadyLinked', { organisation: organisation.name });
		if (otherHolderOf(this.rows, check.membershipId, this.message)) return this.done(base, 'activation_used', 'activationUsed');

		const isFirst = this.person.links.length === 0;
		const link: Partial<MemberRow> = {
			organisationId: organisation.id,
			organisationName: organisation.name,
			membershipId: check.membershipId,
			isDefault: isFirst,
			subscribed: true,
			linkedAt: this.settings.now.toISOString(),
		};
		const contact = this.person.contact && this.working.get(this.person.contact.id);
		if (contact) Object.assign(contact, link);
		else this.inserts.push(this.newRow(link));
		const name = this.message.profileName ? `, ${this.message.profileName}` : '';
		if (isFirst) return this.done(base, 'activated', 'welcome', { organisation: organisation.name, name });
		const defaultName = this.person.defaultLink ? this.organisationName(this.person.defaultLink.organisationId, this.person.defaultLink.organisationName) : organisation.name;
		return this.done(base, 'organisation_added', 'organisationAdded', { organisation: organisation.name, default: defaultName });
	}

	document(base: Pick<Decision, 'intent' | 'state'>): Decision {
		const pick = this.freshPick();
		const link = pick?.row ?? (this.person.defaultLink as MemberRow);
		const organisation = this.settings.organisations.find((candidate) => candidate.id === link.organisationId);
		if (!organisation) return this.done(base, 'organisation_unavailable', 'organisationUnavailable', { organisation: link.organisationName || link.organisationId });
		const context: InboxContext = {
			organisation,
			membershipId: link.membershipId,
			language: this.language,
			maxFileSizeMb: this.settings.maxFileSizeMb,
			texts: this.settings.texts[this.language],
		};
		if (pick) {
			context.payment = pick.payment;
			// One pick, one document: the next one goes to the default organisation, unattached, as before.
			const { picked: _picked, ...nudge } = pick.row.nudge;
			pick.row.nudge = nudge;
		}
		return this.done(base, 'document', undefined, undefined, { document: context });
	}

	/** The payment the sender picked in a reminder within the last minutes (the latest pick), if it was offered to that row. */
	private freshPick(): { row: MemberRow; payment: OfferedPayment } | undefined {
		const since = subMinutes(this.settings.now, this.pickMinutes);
		const pickedAt = (row: MemberRow) => timestampOf(row.nudge.picked?.at) ?? Number.NEGATIVE_INFINITY;
		const picks = this.linkRows()
			.filter((row) => row.nudge.picked && !isBefore(pickedAt(row), since))
			.sort((a, b) => pickedAt(b) - pickedAt(a));
		for (const row of picks) {
			const payment = row.nudge.payments?.find((offered) => offered.id === row.nudge.picked?.id);
			if (payment) return { row, payment };
		}
		return undefined;
	}

	/** A payment picked in a reminder list: only one offered to this sender counts (a reply can be forged). */
	nudgePick(base: Pick<Decision, 'intent' | 'state'>, transactionId: string): Decision {
		const row = this.lastNudged((nudge) => Boolean(nudge.payments?.some((payment) => payment.id === transactionId)));
		const payment = row?.nudge.payments?.find((offered) => offered.id === transactionId);
		if (!row || !payment) return this.done(base, 'nudge_not_offered', 'nudgeNotOffered');
		row.nudge = { ...row.nudge, picked: { id: transactionId, at: this.settings.now.toISOString() } };
		const facts = paymentFacts(payment, this.language, this.settings.now);
		return this.done(base, 'nudge_picked', 'nudgePicked', { merchant: facts?.merchant, amount: facts?.amount, date: facts?.date, minutes: String(this.pickMinutes) });
	}

	/** The reminder template's button: the list it announced, from what was offered (the sender just wrote, so it can be sent). */
	nudgeShow(base: Pick<Decision, 'intent' | 'state'>): Decision {
		const payments = this.lastNudged((nudge) => (nudge.payments?.length ?? 0) > 0)?.nudge.payments;
		if (!payments) return this.done(base, 'nudge_nothing', 'nudgeNothing');
		const choices = nudgeChoices(payments, payments.length, this.language, this.settings.texts[this.language], this.settings.now);
		return this.done(base, 'nudge_list', undefined, undefined, { choices });
	}

	chooseOrganisation(base: Pick<Decision, 'intent' | 'state'>, organisationId: string): Decision {
		const chosen = this.person.links.find((link) => link.organisationId === organisationId);
		// A list reply is just a message: anyone can forge one, so only the sender's own links count.
		if (!chosen) return this.done(base, 'organisation_not_yours', 'organisationNotYours');
		for (const row of this.working.values()) {
			if (row.organisationId) row.isDefault = row.id === chosen.id;
		}
		return this.done(base, 'organisation_chosen', 'organisationChosen', { organisation: this.organisationName(chosen.organisationId, chosen.organisationName) });
	}

	picker(base: Pick<Decision, 'intent' | 'state'>, page: number): Decision {
		const current = this.person.defaultLink;
		const picker: PickerRequest = {
			organisations: this.person.links.map((link) => ({ id: link.organisationId, name: this.organisationName(link.organisationId, link.organisationName) })),
			page,
			body: this.text('pickerBody', { organisation: current ? this.organisationName(current.organisationId, current.organisationName) : '' }),
			button: this.text('pickerButton'),
			moreTitle: this.text('pickerMore'),
			sectionTitle: this.text('pickerSection'),
		};
		return this.done(base, 'organisation_picker', undefined, undefined, { picker });
	}
}
