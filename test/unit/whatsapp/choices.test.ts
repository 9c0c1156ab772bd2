import { BUTTON_LIMITS, buildChoices, buildTemplate, type ChoiceMessage, LIST_LIMITS } from '../../../src/whatsapp/outgoing';

const rows = (count: number) => Array.from({ length: count }, (_, n) => ({ id: `q:wamid.doc:tx-${n + 1}`, title: `${n + 1}. Payment ${n + 1}`, description: `23.90 EUR · 12 March` }));
const message = (count: number, extra: Partial<ChoiceMessage> = {}): ChoiceMessage => ({ body: 'Which payment is this document for?', button: 'Choose', rows: rows(count), ...extra });

describe('buildChoices', () => {
	it('sends 1 to 3 choices as reply buttons, without descriptions', () => {
		for (const count of [1, 2, 3]) {
			const built = buildChoices('33612345678', message(count));
			expect(built.interactive.type).toBe('button');
		}
		expect(buildChoices('33612345678', message(2), { replyToMessageId: 'wamid.doc' })).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '33612345678',
			context: { message_id: 'wamid.doc' },
			type: 'interactive',
			interactive: {
				type: 'button',
				body: { text: 'Which payment is this document for?' },
				action: {
					buttons: [
						{ type: 'reply', reply: { id: 'q:wamid.doc:tx-1', title: '1. Payment 1' } },
						{ type: 'reply', reply: { id: 'q:wamid.doc:tx-2', title: '2. Payment 2' } },
					],
				},
			},
		});
	});

	it('sends 4 to 10 choices as a list with one section titled with the button label', () => {
		for (const count of [4, 10]) {
			const built = buildChoices('33612345678', message(count, { header: 'Receipt', footer: 'Write REMINDERS OFF to stop' }), { replyToMessageId: 'wamid.doc' });
			if (built.interactive.type !== 'list') throw new Error('expected a list');
			expect(built.context).toEqual({ message_id: 'wamid.doc' });
			expect(built.interactive).toMatchObject({ header: { type: 'text', text: 'Receipt' }, footer: { text: 'Write REMINDERS OFF to stop' }, action: { button: 'Choose' } });
			expect(built.interactive.action.sections).toHaveLength(1);
			expect(built.interactive.action.sections[0].title).toBe('Choose');
			expect(built.interactive.action.sections[0].rows).toEqual(rows(count));
		}
	});

	it('sends even one to three choices as a list when asked, so that their descriptions show', () => {
		for (const count of [1, 3]) {
			const built = buildChoices('33612345678', message(count), { alwaysList: true });
			if (built.interactive.type !== 'list') throw new Error('expected a list');
			expect(built.interactive.action.sections[0].rows).toEqual(rows(count));
		}
	});

	it('keeps header and footer on reply buttons and leaves out the context when not replying', () => {
		const built = buildChoices('33612345678', message(1, { header: 'Receipt', footer: 'Reply STOP to unsubscribe' }));
		expect(built).not.toHaveProperty('context');
		expect(built.interactive).toMatchObject({ header: { type: 'text', text: 'Receipt' }, footer: { text: 'Reply STOP to unsubscribe' } });
	});

	it("cuts texts to each kind's limits, whole characters, and never cuts ids", () => {
		const long = 'Compagnie Européenne de Logistique SARL — 1 234,56 EUR';
		const buttons = buildChoices('1', { body: 'x'.repeat(2000), button: 'Choose a payment please', header: 'h'.repeat(70), footer: 'f'.repeat(70), rows: [{ id: 'i'.repeat(BUTTON_LIMITS.id), title: long }] });
		if (buttons.interactive.type !== 'button') throw new Error('expected buttons');
		const [button] = buttons.interactive.action.buttons;
		expect(Array.from(button.reply.title)).toHaveLength(BUTTON_LIMITS.title);
		expect(button.reply.title.endsWith('…')).toBe(true);
		expect(button.reply.id).toHaveLength(BUTTON_LIMITS.id);
		expect(Array.from(buttons.interactive.body.text)).toHaveLength(BUTTON_LIMITS.body);
		expect(buttons.interactive.header?.text).toHaveLength(BUTTON_LIMITS.header);
		expect(buttons.interactive.footer?.text).toHaveLength(BUTTON_LIMITS.footer);

		const list = buildChoices('1', { body: 'x'.repeat(5000), button: 'Choose a payment please', rows: rows(4).map((row) => ({ ...row, title: long, description: long.repeat(2) })) });
		if (list.interactive.type !== 'list') throw new Error('expected a list');
		const [row] = list.interactive.action.sections[0].rows;
		expect(Array.from(row.title)).toHaveLength(LIST_LIMITS.rowTitle);
		expect(Array.from(row.description ?? '')).toHaveLength(LIST_LIMITS.rowDescription);
		expect(Array.from(list.interactive.action.button)).toHaveLength(LIST_LIMITS.button);
		expect(Array.from(list.interactive.body.text)).toHaveLength(LIST_LIMITS.body);
	});

	it('refuses no choices, more than 10, empty, over-long or repeated ids', () => {
		expect(() => buildChoices('1', message(0))).toThrow(/1 to 10 choices, got 0/);
		expect(() => buildChoices('1', message(11))).toThrow(/1 to 10 choices, got 11/);
		expect(() => buildChoices('1', message(1, { rows: [{ id: '', title: 'Empty' }] }))).toThrow(RangeError);
		expect(() => buildChoices('1', message(1, { rows: [{ id: 'x'.repeat(BUTTON_LIMITS.id + 1), title: 'Long' }] }))).toThrow(/1 to 256 characters/);
		expect(() => buildChoices('1', message(4, { rows: [...rows(3), { id: 'x'.repeat(LIST_LIMITS.rowId + 1), title: 'Long' }] }))).toThrow(/1 to 200 characters/);
		expect(() => buildChoices('1', message(2, { rows: [rows(1)[0], rows(1)[0]] }))).toThrow(/unique/);
		expect(() => buildChoices('1', message(5, { rows: [...rows(4), rows(1)[0]] }))).toThrow(/unique/);
	});
});

describe('template quick-reply payloads', () => {
	it("adds one button component per payload after the body, indexed as Meta's contract says", () => {
		const built = buildTemplate('33612345678', { name: 'receipts_missing', languageCode: 'en', bodyParameters: ['3'], quickReplyPayloads: ['n:show', 'n:off'] });
		expect(built.template.components).toEqual([
			{ type: 'body', parameters: [{ type: 'text', text: '3' }] },
			{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'n:show' }] },
			{ type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'n:off' }] },
		]);
	});

	it('sends payloads without body parameters, and no components when there is neither', () => {
		expect(buildTemplate('1', { name: 't', languageCode: 'en', bodyParameters: [], quickReplyPayloads: ['n:show'] }).template.components).toEqual([
			{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'n:show' }] },
		]);
		expect(buildTemplate('1', { name: 't', languageCode: 'en', bodyParameters: [], quickReplyPayloads: [] }).template).not.toHaveProperty('components');
	});

	it('refuses more payloads than a template has buttons', () => {
		expect(() => buildTemplate('1', { name: 't', languageCode: 'en', bodyParameters: [], quickReplyPayloads: Array.from({ length: 11 }, (_, n) => `p${n}`) })).toThrow(RangeError);
	});
});
