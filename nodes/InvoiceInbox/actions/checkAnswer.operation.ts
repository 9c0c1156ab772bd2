import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { isRecord, textOf } from '../../../src/common/guards';
import { isLanguage } from '../../../src/conversation/languages';
import { checkAnswer, DEFAULT_QUESTION_LIFETIME_HOURS } from '../../../src/conversation/question';
import { mergeTexts } from '../../../src/conversation/texts';
import { ledgerRowsOnSecondInput } from './common';

const show = { show: { operation: ['checkAnswer'] } };

export const INPUT_NAMES = ['Answer', 'Asked Documents'] as const;
export const OUTPUT_NAMES = ['Attach', 'Keep', 'Refused'] as const;

export const description: INodeProperties[] = [
	{
		displayName:
			'Input 1 takes Route Message\'s Answer items (a tap on "which payment is this document for?"), input 2 the "whatsapp_documents" rows of the document and of the chosen payment. Only a payment offered for that document, to that sender, in that organisation, not attached elsewhere and not expired goes to <b>Attach</b>; "none of these" goes to <b>Keep</b>; anything else to <b>Refused</b> with the reply that says why.',
		name: 'answerNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Answer Within (Hours)',
		name: 'lifetimeHours',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_QUESTION_LIFETIME_HOURS,
		displayOptions: show,
		description: 'A question left unanswered this long expires quietly; a later answer is told so and the document waits for the re-match',
	},
];

/** Attach, keep or refuse each answer (src/conversation/question.ts). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const answers = this.getInputData(0);
	const rows = ledgerRowsOnSecondInput(this);
	const outputs: INodeExecutionData[][] = OUTPUT_NAMES.map(() => []);
	const now = new Date();
	answers.forEach((item, itemIndex) => {
		const json = item.json;
		const answer = isRecord(json.answer) ? json.answer : {};
		const language = isLanguage(json.language) ? json.language : 'en';
		const lifetimeHours = Number(this.getNodeParameter('lifetimeHours', itemIndex, DEFAULT_QUESTION_LIFETIME_HOURS)) || DEFAULT_QUESTION_LIFETIME_HOURS;
		const texts = mergeTexts({ [language]: json.texts })[language];
		const check = checkAnswer({
			answer: { documentMessageId: textOf(answer.documentMessageId), choice: textOf(answer.choice) },
			sender: { waId: textOf(json.waId), userId: textOf(json.userId) },
			rows,
			now,
			lifetimeHours,
			language,
			texts,
		});
		const base: IDataObject = { ...json, recipient: textOf(json.waId) || textOf(json.userId), documentMessageId: textOf(answer.documentMessageId), outcome: check.outcome };
		const pairedItem = { item: itemIndex };
		if (check.outcome === 'attach') {
			outputs[0].push({
				json: {
					...base,
					organisationId: check.organisationId,
					attachChosen: { supplierInvoiceId: check.supplierInvoiceId, transactionId: String(check.payment.id) },
					transaction: check.payment as unknown as IDataObject,
					question: JSON.stringify(check.record),
					replyText: check.confirmText,
					failureText: texts.answerAttachFailed,
				},
				pairedItem,
			});
		} else if (check.outcome === 'keep') {
			outputs[1].push({ json: { ...base, question: JSON.stringify(check.record), replyText: check.replyText }, pairedItem });
		} else {
			outputs[2].push({ json: { ...base, reason: check.reason, replyText: check.replyText }, pairedItem });
		}
	});
	return outputs;
}
