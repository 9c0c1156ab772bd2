import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildOrganisationPicker, pageOrganisations, parsePickerChoice } from '../../../src/whatsapp/organisationPicker';
import { buildList, buildMarkAsRead, buildReaction, buildText, truncate } from '../../../src/whatsapp/outgoing';

const OUTGOING = join(__dirname, '../../fixtures/api/whatsapp/outgoing');
/** A documented request body, without the fixture's own "_note"/"_source" keys. */
function documented(name: string): Record<string, unknown> {
	const body = JSON.parse(readFileSync(join(OUTGOING, name), 'utf8')) as Record<string, unknown>;
	return Object.fromEntries(Object.entries(body).filter(([key]) => !key.startsWith('_')));
}

describe('message bodies match the documented requests', () => {
	it('reaction and its removal', () => {
		const reaction = documented('send_reaction.request.json') as { to: string; reaction: { message_id: string } };
		expect(buildReaction(reaction.to, reaction.reaction.message_id, '🔎')).toEqual(reaction);
		expect(buildReaction(reaction.to, reaction.reaction.message_id, '')).toEqual(documented('remove_reaction.request.json'));
	});

	it('text', () => {
		const text = documented('send_text.request.json') as { to: string; text: { body: string } };
		expect(buildText(text.to, text.text.body)).toEqual(text);
	});

	it('mark as read with typing indicator', () => {
		const read = documented('mark_read_typing.request.json') as { message_id: string };
		expect(buildMarkAsRead(read.message_id, true)).toEqual(read);
		expect(buildMarkAsRead(read.message_id, false)).not.toHaveProperty('typing_indicator');
	});

	it('interactive list', () => {
		const list = documented('send_interactive_list.request.json') as {
			to: string;
			interactive: { header: { text: string }; body: { text: string }; footer: { text: string }; action: { button: string; sections: Array<{ title: string; rows: Array<{ id: string; title: string; description: string }> }> } };
		};
		const { interactive } = list;
		const built = buildList({
			to: list.to,
			header: interactive.header.text,
			body: interactive.body.text,
			footer: interactive.footer.text,
			button: interactive.action.button,
			sectionTitle: interactive.action.sections[0].title,
			rows: interactive.action.sections[0].rows,
		});
		expect(built).toEqual(list);
	});
});

describe('limits', () => {
	it('cuts on whole characters and marks the cut', () => {
		expect(truncate('short', 24)).toBe('short');
		expect(truncate('Société Générale des Transports Urbains', 24)).toBe('Société Générale des Tr…');
		expect(Array.from(truncate('🧾'.repeat(30), 24))).toHaveLength(24);
	});

	it('refuses a list with more than 10 rows or an over-long row id', () => {
		const row = (n: number) => ({ id: `r${n}`, title: `Row ${n}` });
		expect(() => buildList({ to: '1', body: 'b', button: 'Go', rows: Array.from({ length: 11 }, (_, n) => row(n)) })).toThrow(RangeError);
		expect(() => buildList({ to: '1', body: 'b', button: 'Go', rows: [{ id: 'x'.repeat(201), title: 't' }] })).toThrow(RangeError);
	});
});

describe('organisation picker', () => {
	const organisations = Array.from({ length: 12 }, (_, n) => ({ id: `org-${n + 1}`, name: `Organisation ${n + 1}` }));

	it('sends up to 10 organisations in one list', () => {
		const { body, page } = buildOrganisationPicker('33612345678', organisations.slice(0, 10));
		expect(page).toMatchObject({ page: 1, pageCount: 1, hasNextPage: false });
		expect(body.interactive.action.sections[0].rows.map((row) => row.id)).toEqual(organisations.slice(0, 10).map((o) => `org:${o.id}`));
	});

	it('pages 12 organisations as 9 + "more", then 3', () => {
		const first = buildOrganisationPicker('33612345678', organisations, 1);
		const rows = first.body.interactive.action.sections[0].rows;
		expect(rows).toHaveLength(10);
		expect(rows.slice(0, 9).map((row) => row.id)).toEqual(organisations.slice(0, 9).map((o) => `org:${o.id}`));
		expect(rows[9]).toMatchObject({ id: 'orgpage:2', title: 'More organisations…' });
		expect(parsePickerChoice(rows[9].id)).toEqual({ type: 'page', page: 2 });

		const second = buildOrganisationPicker('33612345678', organisations, 2);
		expect(second.body.interactive.action.sections[0].rows.map((row) => row.id)).toEqual(['org:org-10', 'org:org-11', 'org:org-12']);
		expect(second.page).toMatchObject({ page: 2, pageCount: 2, hasNextPage: false });
	});

	it('cuts a 40-character name to 24 in the title and keeps it whole-ish in the description; the id is intact', () => {
		const name = 'Compagnie Européenne de Logistique SARL'; // 39 characters
		const longName = `${name}X`;
		const { body } = buildOrganisationPicker('33612345678', [{ id: 'f1c6a7e4-3a6b-4d0e-9d7a-4b1c5f0e2a11', name: longName }]);
		const row = body.interactive.action.sections[0].rows[0];
		expect(Array.from(longName)).toHaveLength(40);
		expect(Array.from(row.title)).toHaveLength(24);
		expect(row.title.endsWith('…')).toBe(true);
		expect(row.description).toBe(longName);
		expect(parsePickerChoice(row.id)).toEqual({ type: 'organisation', organisationId: 'f1c6a7e4-3a6b-4d0e-9d7a-4b1c5f0e2a11' });
	});

	it('keeps every organisation reachable across pages, each exactly once', () => {
		for (const count of [1, 9, 10, 11, 18, 19, 25]) {
			const list = Array.from({ length: count }, (_, n) => ({ id: `o${n}`, name: `O${n}` }));
			const first = pageOrganisations(list, 1);
			const seen = Array.from({ length: first.pageCount }, (_, p) => pageOrganisations(list, p + 1).organisations.map((o) => o.id)).flat();
			expect(seen).toEqual(list.map((o) => o.id));
		}
	});

	it('ignores unknown row ids', () => {
		expect(parsePickerChoice('something-else')).toEqual({ type: 'unknown' });
		expect(parsePickerChoice('orgpage:zero')).toEqual({ type: 'unknown' });
		expect(parsePickerChoice('org:')).toEqual({ type: 'unknown' });
	});
});
