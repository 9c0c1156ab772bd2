import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readPickerOrganisations } from '../../../src/whatsapp/organisationPicker';
import { sentMessageId } from '../../../src/whatsapp/outgoing';
import { WhatsAppInbox } from '../../../nodes/WhatsAppInbox/WhatsAppInbox.node';
import { createExecuteContext } from '../../support/executeContext';

describe('reading the Organisations parameter', () => {
	it('takes a list or its JSON text, with Qonto field names too', () => {
		const organisations = [{ id: 'org-1', name: 'Acme', description: 'Paris' }, { organizationId: 42, legal_name: 'Beta SAS' }];
		const expected = [
			{ id: 'org-1', name: 'Acme', description: 'Paris' },
			{ id: '42', name: 'Beta SAS', description: undefined },
		];
		expect(readPickerOrganisations(organisations)).toEqual({ ok: true, organisations: expected });
		expect(readPickerOrganisations(JSON.stringify(organisations))).toEqual({ ok: true, organisations: expected });
	});

	it('says why it cannot read the value instead of throwing', () => {
		expect(readPickerOrganisations('[{"id": "org-1",')).toMatchObject({ ok: false, reason: 'invalid_json', detail: expect.any(String) });
		expect(readPickerOrganisations('')).toMatchObject({ ok: false, reason: 'invalid_json' });
		expect(readPickerOrganisations({ id: 'org-1', name: 'Acme' })).toEqual({ ok: false, reason: 'not_a_list' });
		expect(readPickerOrganisations([{ id: 'org-1', name: 'Acme' }, null, { id: 'org-3' }])).toEqual({ ok: false, reason: 'entry_without_id_or_name', position: 2 });
	});
});

describe('the id of a sent message', () => {
	it("is the first message's id in Meta's answer", () => {
		expect(sentMessageId({ messaging_product: 'whatsapp', messages: [{ id: 'wamid.1' }] })).toBe('wamid.1');
		expect(sentMessageId({ success: true })).toBeNull();
		expect(sentMessageId(null)).toBeNull();
	});
});

describe('WhatsApp Inbox refuses unusable parameters before sending', () => {
	const node = new WhatsAppInbox();
	const run = (parameters: (itemIndex: number) => IDataObject, itemCount: number, continueOnFail = false) => {
		const { context } = createExecuteContext({
			items: Array.from({ length: itemCount }, (_, index) => ({ json: { index } })),
			parameters,
			credentials: { whatsAppCloudApi: { accessToken: 't', phoneNumberId: '1', baseUrl: 'http://127.0.0.1:9', apiVersion: 'v24.0' } },
			continueOnFail,
		});
		return { execution: node.execute.call(context), context };
	};
	const picker = (organisations: unknown): IDataObject => ({ operation: 'sendOrganisationPicker', recipient: '972987654321', organisations: organisations as IDataObject, page: 1, options: {} });

	it('turns Organisations that are not JSON into an error naming the item and the fix, not a SyntaxError', async () => {
		const { execution, context } = run(() => picker('[{"id": "org-1", "name": '), 1);
		const error = await execution.catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error).toMatchObject({
			message: 'Organisations is not valid JSON',
			description: expect.stringContaining('Give a list of objects like [{"id": "…", "name": "…"}]'),
			context: { itemIndex: 0 },
		});
		expect(context.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
	});

	it('puts each refused item on the output, paired with its input, when continuing on failure', async () => {
		const cases = ['{not json', { id: 'org-1' }, [{ id: 'org-1' }], [], { operation: 'sendText', recipient: '+', text: 'hi', options: {} }];
		const parameters = (itemIndex: number) => (itemIndex === 4 ? (cases[4] as IDataObject) : picker(cases[itemIndex]));
		const { execution, context } = run(parameters, cases.length, true);
		const [items] = await execution;
		expect(items.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['Organisations is not valid JSON', { item: 0 }],
			['Organisations must be a list', { item: 1 }],
			['Organisation 1 has no "id" and "name"', { item: 2 }],
			['There are no organisations to choose from', { item: 3 }],
			['No recipient given', { item: 4 }],
		]);
		expect(items[0].json.details).toMatchObject({ description: expect.stringContaining('{{ $json.organisations }}') });
		expect(context.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
	});
});
