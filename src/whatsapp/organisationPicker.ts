/**
 * The organisation picker: an interactive list of the sender's Qonto organisations, paged when there are more
 * than fit in one list. Row ids carry the choice so that the reply (a `choice` item) can be acted on statelessly.
 */
import { LIST_LIMITS, buildList, truncate } from './outgoing';

export const ORGANISATION_ROW_PREFIX = 'org:';
export const NEXT_PAGE_ROW_PREFIX = 'orgpage:';

export interface PickerOrganisation {
	id: string;
	name: string;
	description?: string;
}

export type OrganisationListReading =
	| { ok: true; organisations: PickerOrganisation[] }
	| { ok: false; reason: 'invalid_json'; detail: string }
	| { ok: false; reason: 'not_a_list' }
	/** `position` counts from 1, as the admin counts. */
	| { ok: false; reason: 'entry_without_id_or_name'; position: number };

/**
 * The Organisations parameter: a list, or its JSON text, of objects with an id and a name. Qonto's own field names
 * (`organizationId`, `legal_name`) are taken too, so a Qonto answer can be mapped as it is.
 */
export function readPickerOrganisations(value: unknown): OrganisationListReading {
	let list = value;
	if (typeof value === 'string') {
		try {
			list = JSON.parse(value);
		} catch (error) {
			return { ok: false, reason: 'invalid_json', detail: (error as Error).message };
		}
	}
	if (!Array.isArray(list)) return { ok: false, reason: 'not_a_list' };
	const organisations: PickerOrganisation[] = [];
	for (const [index, entry] of list.entries()) {
		const fields = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
		const id = fields.id ?? fields.organizationId ?? fields.organisationId;
		const name = fields.name ?? fields.legal_name;
		if ((typeof id !== 'string' && typeof id !== 'number') || typeof name !== 'string') {
			return { ok: false, reason: 'entry_without_id_or_name', position: index + 1 };
		}
		organisations.push({ id: String(id), name, description: typeof fields.description === 'string' ? fields.description : undefined });
	}
	return { ok: true, organisations };
}

export interface PickerTexts {
	body: string;
	button: string;
	header?: string;
	footer?: string;
	sectionTitle?: string;
	/** Title of the row that opens the next page. */
	moreTitle: string;
}

export const DEFAULT_PICKER_TEXTS: PickerTexts = {
	body: 'Which Qonto organisation should receive your documents?',
	button: 'Choose',
	sectionTitle: 'Organisations',
	moreTitle: 'More organisations…',
};

export interface PickerPage {
	page: number;
	pageCount: number;
	organisations: PickerOrganisation[];
	hasNextPage: boolean;
}

/** Ten rows per list: a page that is not the last shows nine organisations and a "more" row. */
export function pageOrganisations(organisations: PickerOrganisation[], page: number): PickerPage {
	const unique = dedupeById(organisations);
	const perPage = LIST_LIMITS.rows;
	if (unique.length <= perPage) return { page: 1, pageCount: 1, organisations: unique, hasNextPage: false };
	const perPagedPage = perPage - 1;
	const pageCount = Math.ceil(unique.length / perPagedPage);
	const current = Math.min(Math.max(1, Math.floor(page) || 1), pageCount);
	const start = (current - 1) * perPagedPage;
	return { page: current, pageCount, organisations: unique.slice(start, start + perPagedPage), hasNextPage: current < pageCount };
}

function dedupeById(organisations: PickerOrganisation[]): PickerOrganisation[] {
	const seen = new Set<string>();
	return organisations.filter((organisation) => !seen.has(organisation.id) && seen.add(organisation.id));
}

export function buildOrganisationPicker(to: string, organisations: PickerOrganisation[], page = 1, texts: PickerTexts = DEFAULT_PICKER_TEXTS) {
	if (organisations.length === 0) throw new RangeError('The organisation picker needs at least one organisation');
	const current = pageOrganisations(organisations, page);
	const rows = current.organisations.map((organisation) => ({
		id: ORGANISATION_ROW_PREFIX + organisation.id,
		title: organisation.name,
		description: organisation.description ?? (Array.from(organisation.name).length > LIST_LIMITS.rowTitle ? truncate(organisation.name, LIST_LIMITS.rowDescription) : undefined),
	}));
	if (current.hasNextPage) {
		rows.push({
			id: NEXT_PAGE_ROW_PREFIX + String(current.page + 1),
			title: texts.moreTitle,
			description: `${current.page + 1}/${current.pageCount}`,
		});
	}
	const body = current.pageCount > 1 ? `${texts.body} (${current.page}/${current.pageCount})` : texts.body;
	return { body: buildList({ to, rows, body, button: texts.button, header: texts.header, footer: texts.footer, sectionTitle: texts.sectionTitle }), page: current };
}

export type PickerChoice = { type: 'organisation'; organisationId: string } | { type: 'page'; page: number } | { type: 'unknown' };

/** Reads the id of a list reply sent from the organisation picker. */
export function parsePickerChoice(rowId: string): PickerChoice {
	if (rowId.startsWith(ORGANISATION_ROW_PREFIX) && rowId.length > ORGANISATION_ROW_PREFIX.length) {
		return { type: 'organisation', organisationId: rowId.slice(ORGANISATION_ROW_PREFIX.length) };
	}
	if (rowId.startsWith(NEXT_PAGE_ROW_PREFIX)) {
		const page = Number(rowId.slice(NEXT_PAGE_ROW_PREFIX.length));
		if (Number.isSafeInteger(page) && page >= 1) return { type: 'page', page };
	}
	return { type: 'unknown' };
}
