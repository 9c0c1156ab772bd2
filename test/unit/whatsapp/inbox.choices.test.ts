import type { IDataObject } from 'n8n-workflow';

import { WhatsAppInbox } from '../../../nodes/WhatsAppInbox/WhatsAppInbox.node';
import { WhatsAppFake } from '../../contract-fakes';
import { WhatsAppCloudApi } from '../../../credentials/WhatsAppCloudApi.credentials';
import { createExecuteContext } from '../../support/executeContext';

describe('WhatsApp Inbox: Send Choices and template quick replies against the Graph API contract fake', () => {
	const fake = new WhatsAppFake();
	const node = new WhatsAppInbox();
	let credentials: IDataObject;

	beforeAll(async () => {
		await fake.start();
		credentials = { accessToken: fake.accessToken, phoneNumberId: fake.phoneNumberId, baseUrl: fake.url, apiVersion: 'v24.0', appSecret: 's', verifyToken: 'v' };
	});
	afterAll(async () => await fake.stop());
	beforeEach(() => fake.reset());

	const run = (parameters: IDataObject, json: IDataObject = {}, continueOnFail = false) => {
		const { context } = createExecuteContext({
			items: [{ json }],
			parameters,
			credentials: { whatsAppCloudApi: credentials },
			authenticate: { whatsAppCloudApi: new WhatsAppCloudApi().authenticate },
			continueOnFail,
		});
		return node.execute.call(context);
	};
	const payments = (count: number) => Array.from({ length: count }, (_, n) => ({ id: `q:wamid.doc:tx-${n + 1}`, title: `${n + 1}. Compagnie Européenne`, description: '23.90 EUR · 12 March · card ••1234' }));
	const choices = (rows: unknown, options: IDataObject = {}): IDataObject => ({ operation: 'sendChoices', recipient: '+972987654321', body: 'Which payment is this document for?', button: 'Choose', choices: rows as IDataObject, options });

	it('sends up to 3 choices as reply buttons, quoting the document, and returns the new message id', async () => {
		const [[item]] = await run(choices(payments(2), { replyToMessageId: 'wamid.doc', footer: 'Tap one' }), { messageId: 'wamid.doc' });
		const [sent] = fake.choicesSentTo('972987654321');
		expect(sent).toMatchObject({ kind: 'buttons', body: 'Which payment is this document for?', footer: 'Tap one', replyTo: 'wamid.doc' });
		expect(sent.button).toBeUndefined();
		expect(sent.rows).toEqual([
			{ id: 'q:wamid.doc:tx-1', title: '1. Compagnie Europé…' },
			{ id: 'q:wamid.doc:tx-2', title: '2. Compagnie Europé…' },
		]);
		expect(item.json).toEqual({ messageId: 'wamid.doc', whatsapp: { operation: 'sendChoices', to: '972987654321', kind: 'buttons', messageId: sent.wamid } });
	});

	it('sends 4 to 10 choices, typed as JSON text, as a list with their descriptions', async () => {
		const [[item]] = await run(choices(JSON.stringify(payments(10)), { header: 'Receipt' }));
		const [sent] = fake.choicesSentTo('972987654321');
		expect(sent).toMatchObject({ kind: 'list', button: 'Choose', header: 'Receipt' });
		expect(sent.rows).toHaveLength(10);
		expect(sent.rows[0]).toEqual({ id: 'q:wamid.doc:tx-1', title: '1. Compagnie Européenne', description: '23.90 EUR · 12 March · card ••1234' });
		expect(item.json).toMatchObject({ whatsapp: { kind: 'list' } });
	});

	it.each([
		['text that is not JSON', '[{"id": "a",', 'Choices is not valid JSON'],
		['an object', { id: 'a', title: 'A' }, 'Choices must be a list'],
		['a choice without a title', [{ id: 'a', title: 'A' }, { id: 'b' }], 'Choice 2 has no "id" and "title"'],
		['no choices', [], 'A choices message takes 1 to 10 choices, got 0'],
		['11 choices', payments(11), 'A choices message takes 1 to 10 choices, got 11'],
		['the same id twice', [{ id: 'a', title: 'A' }, { id: 'a', title: 'B' }], 'Row ids must be unique: a appears twice'],
	])('refuses %s before sending anything', async (_case, rows, message) => {
		const [[item]] = await run(choices(rows), {}, true);
		expect(item.json.error).toBe(message);
		expect(fake.requests({ route: 'messages.send' })).toHaveLength(0);
	});

	it('refuses an empty body before sending anything', async () => {
		await expect(run({ ...choices(payments(1)), body: ' ' })).rejects.toThrow('No Body given');
		expect(fake.requests({ route: 'messages.send' })).toHaveLength(0);
	});

	it.each([
		['a JSON list', '["n:show", "n:off"]'],
		['texts separated by commas', ' n:show , n:off ,'],
		['a list from an expression', ['n:show', 'n:off']],
	])('sends a template with quick-reply payloads given as %s', async (_case, quickReplyPayloads) => {
		await run({ operation: 'sendTemplate', recipient: '972987654321', templateName: 'receipts_missing', languageCode: 'en', bodyParameters: ['3'], options: { quickReplyPayloads } as IDataObject });
		expect(fake.templatesSentTo('972987654321')).toEqual([expect.objectContaining({ name: 'receipts_missing', bodyParameters: ['3'], quickReplyPayloads: ['n:show', 'n:off'] })]);
	});

	it('sends a template without options as before, and refuses payloads that are not a JSON list', async () => {
		await run({ operation: 'sendTemplate', recipient: '972987654321', templateName: 'receipts_missing', languageCode: 'en', bodyParameters: [] });
		expect(fake.templatesSentTo()).toEqual([expect.objectContaining({ quickReplyPayloads: [] })]);
		await expect(run({ operation: 'sendTemplate', recipient: '972987654321', templateName: 't', languageCode: 'en', bodyParameters: [], options: { quickReplyPayloads: '["n:show",' } })).rejects.toThrow(
			'Quick Reply Payloads is not a valid JSON list',
		);
		expect(fake.templatesSentTo()).toHaveLength(1);
	});

	it('lists Send Choices among the operations and every option name once per operation', () => {
		const operation = node.description.properties.find((property) => property.name === 'operation');
		expect(operation?.options).toEqual(expect.arrayContaining([expect.objectContaining({ value: 'sendChoices', name: 'Send Choices' })]));
		const options = node.description.properties.find((property) => property.name === 'options')?.options as Array<{ name: string; displayOptions?: { show?: Record<string, string[]> } }>;
		for (const operationName of ['sendText', 'sendTemplate', 'sendOrganisationPicker', 'sendChoices']) {
			const shown = options.filter((option) => option.displayOptions?.show?.['/operation']?.includes(operationName)).map((option) => option.name);
			expect(new Set(shown).size).toBe(shown.length);
		}
		const shownFor = (operationName: string) => options.filter((option) => option.displayOptions?.show?.['/operation']?.includes(operationName)).map((option) => option.name);
		expect(shownFor('sendChoices').sort()).toEqual(['alwaysList', 'footer', 'header', 'replyToMessageId']);
		expect(shownFor('sendTemplate')).toEqual(['quickReplyPayloads']);
		expect(shownFor('sendText').sort()).toEqual(['previewUrl', 'replyToMessageId']);
	});
});
