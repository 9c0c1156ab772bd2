import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import * as checkAnswer from './actions/checkAnswer.operation';
import * as checkAttempt from './actions/checkAttempt.operation';
import * as checkSameFile from './actions/checkSameFile.operation';
import * as composeFailureReply from './actions/composeFailureReply.operation';
import * as composeFollowUp from './actions/composeFollowUp.operation';
import * as composeQuestion from './actions/composeQuestion.operation';
import * as createActivationLinks from './actions/createActivationLinks.operation';
import * as matchAgain from './actions/matchAgain.operation';
import * as planNudges from './actions/planNudges.operation';
import * as planRematch from './actions/planRematch.operation';
import * as planRetries from './actions/planRetries.operation';
import * as refreshMembers from './actions/refreshMembers.operation';
import { router } from './actions/router';
import * as routeMessage from './actions/routeMessage.operation';

const named = (names: readonly string[]) => JSON.stringify(names.map((displayName) => ({ type: 'main', displayName })));
/** Inputs or outputs by operation (others: one main); n8n evaluates the expression with the node's parameters. */
const byOperation = (ports: ReadonlyArray<readonly [operation: string, names: readonly string[]]>): `={{${string}}}` =>
	`={{ ${ports.map(([operation, names]) => `$parameter.operation === "${operation}" ? ${named(names)} : `).join('')}["main"] }}`;
const INPUTS = byOperation([
	['routeMessage', routeMessage.INPUT_NAMES],
	['checkSameFile', checkSameFile.INPUT_NAMES],
	['checkAttempt', checkAttempt.INPUT_NAMES],
	['checkAnswer', checkAnswer.INPUT_NAMES],
]);
const OUTPUTS = byOperation([
	['routeMessage', routeMessage.OUTPUT_NAMES],
	['checkSameFile', checkSameFile.OUTPUT_NAMES],
	['checkAttempt', checkAttempt.OUTPUT_NAMES],
	['matchAgain', matchAgain.OUTPUT_NAMES],
	['composeFollowUp', composeFollowUp.OUTPUT_NAMES],
	['refreshMembers', refreshMembers.OUTPUT_NAMES],
	['composeQuestion', composeQuestion.OUTPUT_NAMES],
	['checkAnswer', checkAnswer.OUTPUT_NAMES],
	['planNudges', planNudges.OUTPUT_NAMES],
]);

/**
 * The conversation around documents: who may use the inbox, for which Qonto organisation, in which language. It
 * decides; the workflow's Data Table and WhatsApp nodes carry the decision out (community nodes cannot reach n8n's
 * Data Tables, and keeping every write visible on the canvas lets admins see and change what happens).
 */
export class InvoiceInbox implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Invoice Inbox',
		name: 'invoiceInbox',
		icon: 'file:invoiceInbox.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Route WhatsApp messages of team members, make their activation links, and follow documents up',
		defaults: { name: 'Invoice Inbox' },
		// Route Message, Check Same File, Check Attempt and Check Answer read their items (input 1) next to the Data Table rows found
		// for them (input 2), and answer on named outputs; the other operations are one in, one out.
		inputs: INPUTS,
		outputs: OUTPUTS,
		credentials: [
			{ name: 'invoiceInboxActivationApi', required: true, displayOptions: { show: { operation: ['routeMessage', 'createActivationLinks'] } } },
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Check Answer',
						value: 'checkAnswer',
						action: 'Check an answer to which payment a document is for',
						description: 'Accept only a payment offered for that document to that sender, not attached elsewhere and not expired',
					},
					{
						name: 'Check Attempt',
						value: 'checkAttempt',
						action: 'Check that this attempt still owns the document',
						description: 'Stop an attempt that the sweep has replaced by a later one, or that another attempt finished, before it reaches Qonto',
					},
					{
						name: 'Check Same File',
						value: 'checkSameFile',
						action: 'Check whether a file was already stored',
						description: 'Send a file already stored for the organisation by another message to its own output',
					},
					{
						name: 'Compose Failure Reply',
						value: 'composeFailureReply',
						action: 'Compose the reply to a document that failed',
						description: "Say why a document could not be stored, in the sender's language",
					},
					{
						name: 'Compose Follow-Up',
						value: 'composeFollowUp',
						action: 'Tell the sender which payment their document was attached to',
						description: 'A text within 24 hours of their last message, a template after that if you have one, or nothing (and why)',
					},
					{
						name: 'Compose Question',
						value: 'composeQuestion',
						action: 'Ask the sender which payment a document is for',
						description: 'When the matcher is unsure, offer its candidate payments (and "none of these") as WhatsApp buttons or a list',
					},
					{
						name: 'Create Activation Links',
						value: 'createActivationLinks',
						action: 'Create activation links and QR codes',
						description: 'Make a WhatsApp link and QR code per Qonto membership, to hand to each team member',
					},
					{
						name: 'Match Again',
						value: 'matchAgain',
						action: 'Match stored documents again',
						description: "Match a batch of stored, unattached documents against the payments Qonto has now, with their stored extraction",
					},
					{
						name: 'Plan Re-Match',
						value: 'planRematch',
						action: 'Plan which unattached documents to match again',
						description: 'Pick the stored documents attached to no payment yet, and the payments to list for them',
					},
					{
						name: 'Plan Reminders',
						value: 'planNudges',
						action: 'Plan the weekly reminders of missing receipts',
						description: "List each member's own card payments without a receipt, to send as a WhatsApp list or a template",
					},
					{
						name: 'Plan Retries',
						value: 'planRetries',
						action: 'Plan retries of unfinished documents',
						description: 'Pick the documents left processing (a crash, a restart, an outage) that are due for another try',
					},
					{
						name: 'Refresh Members',
						value: 'refreshMembers',
						action: 'Refresh who may use the inbox',
						description: "Unlink members whose Qonto membership ended, and list the active ones not activated yet",
					},
					{
						name: 'Route Message',
						value: 'routeMessage',
						action: 'Route an incoming message',
						description: 'Decide what to do with a WhatsApp message from what the member directory says about its sender',
					},
				],
				default: 'routeMessage',
			},
			...routeMessage.description,
			...createActivationLinks.description,
			...composeFailureReply.description,
			...checkSameFile.description,
			...checkAttempt.description,
			...planRetries.description,
			...planRematch.description,
			...matchAgain.description,
			...composeFollowUp.description,
			...refreshMembers.description,
			...composeQuestion.description,
			...checkAnswer.description,
			...planNudges.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
