/**
 * The member directory as rows of the n8n Data Table `whatsapp_members`: one row per WhatsApp identity and Qonto
 * organisation it is linked to, plus at most one "contact" row (no organisation) for a sender who is not linked yet
 * (it remembers STOP and the day of the last "how to get access" answer). Person-wide settings (subscribed, language)
 * are repeated on each of a person's rows, so that every row an admin looks at tells the whole story.
 *
 * Data Tables have no unique constraint (two rows for one key can appear under concurrency on Postgres): everything
 * here reads a person from all their rows and tolerates duplicates (the lowest row id wins).
 */
import { textOf } from '../common/guards';
import type { IncomingMessage } from './intents';
import { readNudgeState, type NudgeState } from './nudges';

export interface MemberRow {
	/** The Data Table row id; 0 for a row still to be inserted. */
	id: number;
	waId: string;
	userId: string;
	name: string;
	organisationId: string;
	organisationName: string;
	membershipId: string;
	isDefault: boolean;
	subscribed: boolean;
	language: string;
	/** YYYY-MM-DD (UTC) of the last "how to get access" answer; only used on contact rows. */
	lastNoticeOn: string;
	linkedAt: string;
	/** Reminders of payments without a receipt (`nudge` column, JSON): only used on link rows. */
	nudge: NudgeState;
}


/** A row as the Data Table node returns it (nulls, numbers as strings, booleans as 0/1 on some databases). */
export function toMemberRow(raw: Record<string, unknown>): MemberRow | null {
	const id = Number(raw.id);
	if (!Number.isSafeInteger(id) || id <= 0) return null;
	if (!textOf(raw.waId) && !textOf(raw.userId)) return null;
	return {
		id,
		waId: textOf(raw.waId),
		userId: textOf(raw.userId),
		name: textOf(raw.name),
		organisationId: textOf(raw.organisationId),
		organisationName: textOf(raw.organisationName),
		membershipId: textOf(raw.membershipId),
		isDefault: raw.isDefault === true || raw.isDefault === 1 || raw.isDefault === 'true',
		// An admin who adds a row by hand and leaves the column empty means "subscribed".
		subscribed: !(raw.subscribed === false || raw.subscribed === 0 || raw.subscribed === 'false'),
		language: textOf(raw.language),
		lastNoticeOn: textOf(raw.lastNoticeOn).slice(0, 10),
		linkedAt: textOf(raw.linkedAt),
		nudge: readNudgeState(raw.nudge),
	};
}

export function isSender(row: MemberRow, message: Pick<IncomingMessage, 'waId' | 'userId'>): boolean {
	return Boolean((message.userId && row.userId === message.userId) || (message.waId && row.waId === message.waId));
}

/** Everything the directory says about one sender. */
export interface Person {
	rows: MemberRow[];
	/** One row per linked organisation (lowest id when duplicated), oldest first. */
	links: MemberRow[];
	contact: MemberRow | undefined;
	subscribed: boolean;
	language: string;
	/** The link documents go to: the one marked default, else the oldest. */
	defaultLink: MemberRow | undefined;
	/** No link any more, but there was one: the 09:00 run ended it (see `isEndedLink`). */
	accessEnded: boolean;
}

/** A row whose link the 09:00 run ended: its organisation removed, the membership it linked kept as a trace. */
export function isEndedLink(row: MemberRow): boolean {
	return row.organisationId === '' && row.membershipId !== '';
}

export function personOf(rows: MemberRow[], message: Pick<IncomingMessage, 'waId' | 'userId'>): Person {
	const own = dedupeById(rows.filter((row) => isSender(row, message))).sort((a, b) => a.id - b.id);
	const links: MemberRow[] = [];
	for (const row of own) {
		if (row.organisationId && !links.some((link) => link.organisationId === row.organisationId)) links.push(row);
	}
	return {
		rows: own,
		links,
		contact: own.find((row) => !row.organisationId),
		subscribed: own.every((row) => row.subscribed),
		language: own.find((row) => row.language)?.language ?? '',
		defaultLink: links.find((link) => link.isDefault) ?? links[0],
		accessEnded: links.length === 0 && own.some(isEndedLink),
	};
}

function dedupeById(rows: MemberRow[]): MemberRow[] {
	const seen = new Set<number>();
	return rows.filter((row) => !seen.has(row.id) && seen.add(row.id));
}

/** Who holds a membership, other than this sender: a code is for one WhatsApp identity only. */
export function otherHolderOf(rows: MemberRow[], membershipId: string, message: Pick<IncomingMessage, 'waId' | 'userId'>): MemberRow | undefined {
	return rows.find((row) => row.membershipId === membershipId && row.organisationId && !isSender(row, message));
}
