import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeType, INodeTypeDescription, IPairedItemData } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { matchOptionsFromCollection, matchTransaction, toMatchDocument, transactionList, type MatchDecision, type MatchDocument } from '../../src/matching';

const fromField = { show: { transactionsSource: ['field'] } };

/** The part of the decision that goes into the output item. */
function matchJson(decision: MatchDecision): IDataObject {
	return {
		matched: decision.outcome === 'matched',
		outcome: decision.outcome,
		transactionId: decision.transactionId,
		confidence: decision.confidence,
		explanation: decision.explanation,
		best: decision.best as unknown as IDataObject | null,
		runnerUp: decision.runnerUp as unknown as IDataObject | null,
		notableExclusion: decision.notableExclusion,
		excluded: decision.excluded as IDataObject,
		candidateCount: decision.candidateCount,
		candidates: decision.candidates as unknown as IDataObject[],
	};
}

/** A payment the sender chose: attached as it is, whatever the document says. */
function chosenMatchJson(transactionId: string): IDataObject {
	return { matched: true, outcome: 'chosen', transactionId, confidence: 1, explanation: 'chosen by the sender', candidateCount: 1, candidates: [] };
}

/** A json parameter typed as text is parsed; an expression already gives the value. */
function readParameterObject(node: INode, value: unknown, parameter: 'Document' | 'Transactions', itemIndex: number): unknown {
	if (typeof value !== 'string') return value;
	if (!value.trim()) return null;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		throw new NodeOperationError(node, `The ${parameter} parameter is not valid JSON`, {
			itemIndex,
			description: `Set '${parameter}' to an expression that returns ${parameter === 'Document' ? 'the extracted document, e.g. {{ $json.document }}' : 'the list of Qonto transactions, e.g. {{ $json.transactions }}'}`,
		});
	}
}

/** The Document parameter as the matcher's document, or a clear error. */
function readDocumentParameter(context: IExecuteFunctions, itemIndex: number): MatchDocument {
	const value = readParameterObject(context.getNode(), context.getNodeParameter('document', itemIndex), 'Document', itemIndex);
	const document = toMatchDocument(value);
	if (document === null) {
		throw new NodeOperationError(context.getNode(), 'The document is not an object', {
			itemIndex,
			description: "Set 'Document' to an expression that returns the extracted receipt or invoice, e.g. {{ $json.document }}",
		});
	}
	return document;
}

/** The Transactions parameter as a list, or a clear error. */
function readTransactionsParameter(context: IExecuteFunctions, itemIndex: number): unknown[] {
	const transactions = transactionList(readParameterObject(context.getNode(), context.getNodeParameter('transactions', itemIndex), 'Transactions', itemIndex));
	if (transactions === null) {
		throw new NodeOperationError(context.getNode(), 'The transactions are not a list', {
			itemIndex,
			description: "Set 'Transactions' to an expression that returns the list of Qonto transactions, e.g. {{ $json.transactions }}",
		});
	}
	return transactions;
}

/**
 * Picks the Qonto transaction a receipt or invoice belongs to, or none, and routes the item to "Matched" or
 * "Not Matched" with the explanation. Thin: the decision is `matchTransaction` from src/matching.
 */
export class TransactionMatch implements INodeType {
	// Literal defaults (the linter wants them); a unit test keeps them equal to DEFAULT_MATCH_OPTIONS.
	description: INodeTypeDescription = {
		displayName: 'Transaction Match',
		name: 'transactionMatch',
		icon: { light: 'file:transactionMatch.svg', dark: 'file:transactionMatch.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ "Min. confidence " + ($parameter["options"]["minConfidence"] ?? 0.9) }}',
		description: 'Find the Qonto transaction a receipt or invoice belongs to, or none when no payment fits clearly',
		defaults: { name: 'Transaction Match' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Matched', 'Not Matched'],
		usableAsTool: true,
		properties: [
			{
				displayName:
					'Attaches nothing unless one transaction clearly fits: two similar payments, or a payment that already has a document, go to "Not Matched" with the reason in <code>match.explanation</code> and the payments worth asking the sender about in <code>match.candidates</code>.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Transactions Source',
				name: 'transactionsSource',
				type: 'options',
				noDataExpression: true,
				default: 'field',
				options: [
					{
						name: 'From a Field of Each Item',
						value: 'field',
						description: 'Each item carries the document and its candidate transactions (e.g. the Qonto node\'s "Single Item With All Transactions" output next to the document): one decision per item',
					},
					{
						name: 'All Input Items',
						value: 'allItems',
						description: 'Every input item is one Qonto transaction (e.g. the Qonto node\'s one-item-per-transaction output): one decision for the document, output as one item',
					},
				],
			},
			{
				displayName: 'Document',
				name: 'document',
				type: 'json',
				default: '={{ $json.document }}',
				required: true,
				description:
					'The extracted receipt or invoice: an object with <code>supplierName</code>, <code>date</code> (YYYY-MM-DD), <code>totalAmountCents</code> (integer; negative for a credit note) or <code>totalAmount</code>, <code>currency</code>, and optionally <code>tipAmountCents</code> and <code>documentType</code>. With "All Input Items", read it from the extraction node with the <code>$(\'Node Name\')</code> expression syntax.',
			},
			{
				displayName: 'Transactions',
				name: 'transactions',
				type: 'json',
				default: '={{ $json.transactions }}',
				required: true,
				displayOptions: fromField,
				description: 'The candidate Qonto transactions: a list of objects as returned by GET /v2/transactions (or that response itself)',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'As Of',
						name: 'asOf',
						type: 'string',
						default: '',
						placeholder: 'e.g. 2024-05-03T10:00:00Z',
						description: 'Ignore transactions emitted after this moment (ISO 8601). Empty: no limit.',
					},
					{
						displayName: 'Card Days After',
						name: 'cardDaysAfter',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 60 },
						default: 7,
						description: 'How many days after the document date a card payment may be authorised (offline terminals)',
					},
					{
						displayName: 'Card Days Before',
						name: 'cardDaysBefore',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 60 },
						default: 2,
						description: 'How many days before the document date a card payment may be authorised (time zones, pre-dated receipts)',
					},
					{
						displayName: 'Chosen Transaction ID',
						name: 'chosenTransactionId',
						type: 'string',
						default: '',
						description:
							'A payment the sender chose themselves (e.g. from the weekly list of payments without a receipt): when set, the document goes to "Matched" with this transaction and no matching is done',
					},
					{
						displayName: 'Fuel Pre-Authorisation Amounts (Cents)',
						name: 'fuelPreauthorisationCents',
						type: 'string',
						default: '100, 10000, 12000, 15000',
						description: 'Fixed amounts fuel pumps hold while a payment is pending, which stand in for the receipt total (comma-separated, in cents)',
					},
					{
						displayName: 'Include Pending Payments',
						name: 'includePending',
						type: 'boolean',
						default: true,
						description: 'Whether card payments that are not settled yet can be matched (they are compared by their authorisation date)',
					},
					{
						displayName: 'Maximum Candidates',
						name: 'maxCandidates',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 9 },
						default: 3,
						description:
							'When nothing is attached, at most this many payments worth asking the sender about, best first, in <code>match.candidates</code> (0: never ask)',
					},
					{
						displayName: 'Maximum Tip (Cents)',
						name: 'maxTipCents',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 150,
						description: 'At restaurants, the card charge may exceed the total by this many cents, or by the percentage below if larger',
					},
					{
						displayName: 'Maximum Tip (Percent)',
						name: 'maxTipPercent',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 100 },
						default: 25,
						description: 'At restaurants, the card charge may exceed the total by this share of it',
					},
					{
						displayName: 'Minimum Confidence',
						name: 'minConfidence',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
						default: 0.9,
						description: 'How sure the match must be (0 to 1) before the item goes to "Matched". Higher attaches fewer documents and fewer wrong ones.',
					},
					{
						displayName: 'Rounding Tolerance (Cents)',
						name: 'roundingToleranceCents',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 5,
						description: 'A payment this close to the total counts as the total rounded',
					},
					{
						displayName: 'Supplier Aliases',
						name: 'supplierAliases',
						type: 'fixedCollection',
						typeOptions: { multipleValues: true },
						default: {},
						placeholder: 'Add alias',
						description: 'Other names a supplier appears under on bank statements, e.g. the brand of a legal entity',
						options: [
							{
								displayName: 'Alias',
								name: 'alias',
								values: [
									{
										displayName: 'Supplier Name',
										name: 'name',
										type: 'string',
										default: '',
										placeholder: 'e.g. IKANO HANDEL SDN BHD',
										description: 'The name as printed on documents',
									},
									{
										displayName: 'Bank Names',
										name: 'aliases',
										type: 'string',
										default: '',
										placeholder: 'e.g. IKEA',
										description: 'Comma-separated names the bank shows for this supplier',
									},
								],
							},
						],
					},
					{
						displayName: 'Transfer Days After',
						name: 'transferDaysAfter',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 120 },
						default: 35,
						description: 'How many days after the document date a transfer or direct debit may be paid',
					},
					{
						displayName: 'Transfer Days Before',
						name: 'transferDaysBefore',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 120 },
						default: 3,
						description: 'How many days before the document date a transfer or direct debit may be paid',
					},
					{
						displayName: 'VAT Rates (Percent)',
						name: 'vatRatesPercent',
						type: 'string',
						default: '5.5, 6, 7, 10, 19, 20, 21',
						description: 'Rates tried when OCR read the amount before tax instead of the total (comma-separated)',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const matched: INodeExecutionData[] = [];
		const notMatched: INodeExecutionData[] = [];
		// "All Input Items": the items are the transactions, so there is one decision, with the parameters of the first
		// item, paired with every item. Otherwise one decision per item.
		const allItems = this.getNodeParameter('transactionsSource', 0, 'field') === 'allItems';
		const decisionCount = allItems ? Math.min(items.length, 1) : items.length;

		for (let itemIndex = 0; itemIndex < decisionCount; itemIndex++) {
			const pairedItem: IPairedItemData | IPairedItemData[] = allItems ? items.map((_, index) => ({ item: index })) : { item: itemIndex };
			try {
				const document = readDocumentParameter(this, itemIndex);
				const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
				const chosenTransactionId = typeof options.chosenTransactionId === 'string' ? options.chosenTransactionId.trim() : '';
				const transactions = allItems ? items.map((item) => item.json) : readTransactionsParameter(this, itemIndex);
				// The sender's own choice is worth more than any fuzzy evidence: no matching, no candidates to ask about.
				const match = chosenTransactionId
					? chosenMatchJson(chosenTransactionId)
					: matchJson(matchTransaction(document, transactions, matchOptionsFromCollection(options)));
				// Per item, the document's file travels on, for the upload and the attachment after matching.
				const { binary } = items[itemIndex];
				const output: INodeExecutionData = allItems
					? { json: { document: document as IDataObject, match }, pairedItem }
					: { json: { ...items[itemIndex].json, match }, ...(binary ? { binary } : {}), pairedItem };
				(match.matched ? matched : notMatched).push(output);
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				notMatched.push({ json: { error: (error as Error).message }, pairedItem });
			}
		}
		return [matched, notMatched];
	}
}
