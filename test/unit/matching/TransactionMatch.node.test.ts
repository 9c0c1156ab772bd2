import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { mockDeep } from 'jest-mock-extended';
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { TransactionMatch } from '../../../nodes/TransactionMatch/TransactionMatch.node';
import { DEFAULT_MATCH_OPTIONS, MAX_CANDIDATES } from '../../../src/matching';
import { background, receipt, transaction } from './builders';

const NODE: INode = { id: 'n1', name: 'Transaction Match', type: 'n8n-nodes-qonto-whatsapp.transactionMatch', typeVersion: 1, position: [0, 0], parameters: {} };

/**
 * A mocked n8n context. Parameters are functions of the item, like expressions: the defaults read `document` and
 * `transactions` from each item's JSON, as `={{ $json.document }}` and `={{ $json.transactions }}` do.
 */
function context(items: INodeExecutionData[], parameters: Record<string, (itemIndex: number) => unknown> = {}, continueOnFail = false) {
	const resolved: Record<string, (itemIndex: number) => unknown> = {
		transactionsSource: () => 'field',
		document: (index) => items[index]?.json.document,
		transactions: (index) => items[index]?.json.transactions,
		options: () => ({}),
		...parameters,
	};
	const ctx = mockDeep<IExecuteFunctions>();
	ctx.getInputData.mockReturnValue(items);
	ctx.getNode.mockReturnValue(NODE);
	ctx.continueOnFail.mockReturnValue(continueOnFail);
	ctx.getNodeParameter.mockImplementation(((name: string, itemIndex: number, fallback?: unknown) => resolved[name]?.(itemIndex) ?? fallback) as IExecuteFunctions['getNodeParameter']);
	return ctx;
}

describe('Transaction Match node', () => {
	const node = new TransactionMatch();

	it('describes a tool-usable node with Matched / Not Matched outputs', () => {
		const { description } = node;
		expect(description).toMatchObject({ name: 'transactionMatch', displayName: 'Transaction Match', version: 1, usableAsTool: true, outputNames: ['Matched', 'Not Matched'] });
		expect(description.outputs).toEqual([NodeConnectionTypes.Main, NodeConnectionTypes.Main]);
		expect(description.icon).toEqual({ light: 'file:transactionMatch.svg', dark: 'file:transactionMatch.dark.svg' });
		const parameter = (name: string) => description.properties.find((property) => property.name === name);
		expect(parameter('document')?.default).toBe('={{ $json.document }}');
		expect(parameter('transactions')?.default).toBe('={{ $json.transactions }}');
	});

	it("keeps the Options defaults equal to the matcher's defaults", () => {
		const options = node.description.properties.find((property) => property.name === 'options')?.options as INodeProperties[];
		const defaults = Object.fromEntries(options.map((option) => [option.name, option.default]));
		expect(defaults).toMatchObject({
			minConfidence: DEFAULT_MATCH_OPTIONS.minConfidence,
			cardDaysBefore: DEFAULT_MATCH_OPTIONS.cardDaysBefore,
			cardDaysAfter: DEFAULT_MATCH_OPTIONS.cardDaysAfter,
			transferDaysBefore: DEFAULT_MATCH_OPTIONS.transferDaysBefore,
			transferDaysAfter: DEFAULT_MATCH_OPTIONS.transferDaysAfter,
			roundingToleranceCents: DEFAULT_MATCH_OPTIONS.roundingToleranceCents,
			maxTipPercent: DEFAULT_MATCH_OPTIONS.maxTipRatio * 100,
			maxTipCents: DEFAULT_MATCH_OPTIONS.maxTipCents,
			includePending: DEFAULT_MATCH_OPTIONS.includePending,
			fuelPreauthorisationCents: DEFAULT_MATCH_OPTIONS.fuelPreauthorisationCents.join(', '),
			vatRatesPercent: DEFAULT_MATCH_OPTIONS.vatRates.map((rate) => Math.round(rate * 1000) / 10).join(', '),
			maxCandidates: DEFAULT_MATCH_OPTIONS.maxCandidates,
		});
		expect(options.find((option) => option.name === 'maxCandidates')?.typeOptions).toEqual({ minValue: 0, maxValue: MAX_CANDIDATES });
	});

	it('routes each item to Matched or Not Matched, keeping its JSON and file and adding `match`', async () => {
		const payment = transaction();
		const file = { data: Buffer.from('%PDF-1.4').toString('base64'), mimeType: 'application/pdf', fileName: 'receipt.pdf' };
		const matchedItem = { json: { messageId: 'wamid.1', document: receipt() as IDataObject, transactions: [...background(), payment] as unknown as IDataObject[] }, binary: { data: file } };
		const unmatchedItem = { json: { messageId: 'wamid.2', document: receipt({ totalAmountCents: 999 }) as IDataObject, transactions: [payment] as unknown as IDataObject[] } };
		const before = JSON.stringify([matchedItem, unmatchedItem]);

		const [matched, notMatched] = await node.execute.call(context([matchedItem, unmatchedItem]));

		expect(matched).toHaveLength(1);
		expect(matched[0].pairedItem).toEqual({ item: 0 });
		expect(matched[0].json).toMatchObject({ messageId: 'wamid.1', match: { matched: true, outcome: 'matched', transactionId: payment.id } });
		expect((matched[0].json.match as IDataObject).explanation).toMatch(/^Matched /);
		expect(matched[0].binary).toEqual({ data: file });
		expect(notMatched).toHaveLength(1);
		expect(notMatched[0].pairedItem).toEqual({ item: 1 });
		expect(notMatched[0].json).toMatchObject({ messageId: 'wamid.2', match: { matched: false, outcome: 'no_candidate', transactionId: null } });
		expect(JSON.stringify([matchedItem, unmatchedItem])).toBe(before);
	});

	it('accepts a Qonto list response and a document given in major units', async () => {
		const payment = transaction();
		const item = { json: { document: { supplierName: 'Sanyu Stationery Shop', date: '2018-03-12', totalAmount: 12.34, currency: 'EUR' }, transactions: { transactions: [payment] } as unknown as IDataObject } };
		const [matched] = await node.execute.call(context([item]));
		expect(matched[0].json.match).toMatchObject({ transactionId: payment.id });
	});

	it('passes the Options to the matcher', async () => {
		const payment = transaction({ label: 'IKEA 8254 KL', clean_counterparty_name: 'IKEA' });
		const item = { json: { document: receipt({ supplierName: 'IKANO HANDEL SDN BHD' }) as IDataObject, transactions: [payment] as unknown as IDataObject[] } };
		const withoutAlias = await node.execute.call(context([item]));
		expect(withoutAlias[0]).toHaveLength(0);
		const options = () => ({ minConfidence: 0.95, supplierAliases: { alias: [{ name: 'Ikano Handel', aliases: 'IKEA, Ikea Damansara' }] } });
		const [matched] = await node.execute.call(context([item], { options }));
		expect(matched[0].json.match).toMatchObject({ transactionId: payment.id });
		const strict = await node.execute.call(context([item], { options: () => ({ ...options(), minConfidence: 1 }) }));
		expect(strict[0]).toHaveLength(0);
		expect(strict[1][0].json.match).toMatchObject({ outcome: 'low_confidence' });
	});

	it('puts the payments worth asking about in match.candidates, as many as Maximum Candidates allows', async () => {
		const twins = [transaction({ card_last_digits: '1111' }), transaction({ card_last_digits: '2222' }), transaction({ card_last_digits: '3333' })];
		const payment = transaction();
		const ambiguous = { json: { document: receipt() as IDataObject, transactions: [...background(), ...twins] as unknown as IDataObject[] } };
		const clear = { json: { document: receipt() as IDataObject, transactions: [...background(), payment] as unknown as IDataObject[] } };

		const [matched, notMatched] = await node.execute.call(context([ambiguous, clear]));

		expect(notMatched).toHaveLength(1);
		const match = notMatched[0].json.match as IDataObject;
		expect(match.outcome).toBe('ambiguous');
		const candidates = match.candidates as IDataObject[];
		expect(candidates.map((candidate) => candidate.transactionId).sort()).toEqual(twins.map((twin) => twin.id).sort());
		expect(candidates[0]).toMatchObject({ label: 'SANYU STATIONERY SHOP', amountCents: 1234, currency: 'EUR', date: '2018-03-12' });
		expect(candidates.map((candidate) => candidate.cardLastDigits).sort()).toEqual(['1111', '2222', '3333']);
		expect((matched[0].json.match as IDataObject).candidates).toEqual([]);

		const [, limited] = await node.execute.call(context([ambiguous], { options: () => ({ maxCandidates: 2 }) }));
		expect((limited[0].json.match as IDataObject).candidates).toHaveLength(2);
		const [, silent] = await node.execute.call(context([ambiguous], { options: () => ({ maxCandidates: 0 }) }));
		expect(silent[0].json.match).toMatchObject({ outcome: 'ambiguous', candidates: [] });
	});

	it('attaches a payment the sender chose, even one the matcher would never pick, and asks nothing', async () => {
		const unrelated = transaction({ label: 'TOTALLY DIFFERENT SHOP', clean_counterparty_name: 'Totally Different', amount_cents: 99_999 });
		const item = { json: { document: receipt() as IDataObject, transactions: [...background(), unrelated] as unknown as IDataObject[] } };
		const [unchosen] = await node.execute.call(context([item]));
		expect(unchosen).toHaveLength(0);

		const [matched, notMatched] = await node.execute.call(context([item], { options: () => ({ chosenTransactionId: ` ${unrelated.id} ` }) }));

		expect(notMatched).toHaveLength(0);
		expect(matched[0].json.match).toMatchObject({ matched: true, outcome: 'chosen', transactionId: unrelated.id, candidates: [] });
	});

	it('with "All Input Items", treats every item as a transaction and outputs one decision paired with all of them', async () => {
		const payment = transaction();
		const items = [...background(), payment].map((entry) => ({ json: entry as unknown as IDataObject }));
		const ctx = context(items, { transactionsSource: () => 'allItems', document: () => receipt() });
		const [matched, notMatched] = await node.execute.call(ctx);
		expect(notMatched).toHaveLength(0);
		expect(matched).toHaveLength(1);
		expect(matched[0].json).toMatchObject({ document: { supplierName: 'SANYU STATIONERY SHOP' }, match: { transactionId: payment.id } });
		expect(matched[0].pairedItem).toEqual(items.map((_, index) => ({ item: index })));
	});

	it('with "All Input Items", reads the parameters of the first item only and outputs only the document and the match', async () => {
		const payment = transaction();
		const items = [...background(), payment].map((entry) => ({ json: entry as unknown as IDataObject, binary: { data: { data: '', mimeType: 'application/pdf' } } }));
		const options = jest.fn((itemIndex: number) => (itemIndex === 0 ? { minConfidence: 1 } : {}));
		const transactions = jest.fn(() => 42);
		const ctx = context(items, { transactionsSource: () => 'allItems', document: () => receipt(), options, transactions }, true);
		const [matched, notMatched] = await node.execute.call(ctx);
		expect(matched).toHaveLength(0);
		expect(notMatched).toHaveLength(1);
		expect(Object.keys(notMatched[0].json)).toEqual(['document', 'match']);
		expect(notMatched[0].json.match).toMatchObject({ outcome: 'low_confidence' });
		expect(notMatched[0].binary).toBeUndefined();
		expect(options.mock.calls).toEqual([[0]]);
		expect(transactions).not.toHaveBeenCalled();
	});

	it('with "All Input Items" and continueOnFail, outputs one error paired with every item', async () => {
		const items = [transaction(), transaction({ id: 'other' })].map((entry) => ({ json: entry as unknown as IDataObject }));
		const [matched, notMatched] = await node.execute.call(context(items, { transactionsSource: () => 'allItems', document: () => '{' }, true));
		expect(matched).toEqual([]);
		expect(notMatched).toEqual([{ json: { error: 'The Document parameter is not valid JSON' }, pairedItem: [{ item: 0 }, { item: 1 }] }]);
		const error = await node.execute.call(context(items, { transactionsSource: () => 'allItems', document: () => 7 })).catch((caught: unknown) => caught);
		expect((error as NodeOperationError).message).toBe('The document is not an object');
		expect((error as NodeOperationError).context.itemIndex).toBe(0);
	});

	it('returns nothing for no input with "All Input Items"', async () => {
		expect(await node.execute.call(context([], { transactionsSource: () => 'allItems', document: () => receipt() }))).toEqual([[], []]);
	});

	it('explains a missing document with a NodeOperationError that says how to fix it', async () => {
		const item = { json: { transactions: [] } };
		const error = await node.execute.call(context([item])).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('The document is not an object');
		expect((error as NodeOperationError).description).toContain("Set 'Document'");
		expect((error as NodeOperationError).context.itemIndex).toBe(0);
	});

	it('explains transactions that are not a list', async () => {
		const item = { json: { document: receipt() as IDataObject, transactions: 42 } };
		const error = await node.execute.call(context([item])).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe('The transactions are not a list');
		const text = await node.execute.call(context([{ json: { document: receipt() as IDataObject, transactions: '[{' } }])).catch((caught: unknown) => caught);
		expect((text as NodeOperationError).message).toBe('The Transactions parameter is not valid JSON');
	});

	it('with continueOnFail, outputs the error on Not Matched and goes on with the next item', async () => {
		const payment = transaction();
		const broken = { json: { document: 'not json', transactions: [payment] as unknown as IDataObject[] } };
		const fine = { json: { document: receipt() as IDataObject, transactions: [payment] as unknown as IDataObject[] } };
		const [matched, notMatched] = await node.execute.call(context([broken, fine], {}, true));
		expect(notMatched).toEqual([{ json: { error: 'The Document parameter is not valid JSON' }, pairedItem: { item: 0 } }]);
		expect(matched).toHaveLength(1);
		expect(matched[0].pairedItem).toEqual({ item: 1 });
	});

	it('reads no environment, files or console', () => {
		const source = readFileSync(join(__dirname, '../../../nodes/TransactionMatch/TransactionMatch.node.ts'), 'utf8');
		expect(source).not.toMatch(/process\.env|from 'node:fs'|from 'fs'|console\./);
	});
});
