import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import * as checkAttempt from './actions/checkAttempt.operation';
import * as checkSameFile from './actions/checkSameFile.operation';
import * as composeFailureReply from './actions/composeFailureReply.operation';
import * as createActivationLinks from './actions/createActivationLinks.operation';
import * as planRetries from './actions/planRetries.operation';
import { router } from './actions/router';
import * as routeMessage from './actions/routeMessage.operation';

const named = (names: readonly string[]) => JSON.stringify(names.map((displayName) => ({ type: 'main', displayName })));
/** Inputs and outputs by operation; n8n evaluates these expressions with the node's parameters. */
const byOperation = (routing: string, sameFile: string, attempt: string): `={{${string}}}` =>
	`={{ $parameter.operation === "routeMessage" ? ${routing} : $parameter.operation === "checkSameFile" ? ${sameFile} : $parameter.operation === "checkAttempt" ? ${attempt} : ["main"] }}`;
const INPUTS = byOperation(named(routeMessage.INPUT_NAMES), named(checkSameFile.INPUT_NAMES), named(checkAttempt.INPUT_NAMES));
const OUTPUTS = byOperation(named(routeMessage.OUTPUT_NAMES), named(checkSameFile.OUTPUT_NAMES), named(checkAttempt.OUTPUT_NAMES));

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
		description: 'Route WhatsApp messages of team members, and make their activation links and QR codes',
		defaults: { name: 'Invoice Inbox' },
		// Route Message, Check Same File and Check Attempt read their items (input 1) next to the Data Table rows found
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
						name: 'Create Activation Links',
						value: 'createActivationLinks',
						action: 'Create activation links and QR codes',
						description: 'Make a WhatsApp link and QR code per Qonto membership, to hand to each team member',
					},
					{
						name: 'Plan Retries',
						value: 'planRetries',
						action: 'Plan retries of unfinished documents',
						description: 'Pick the documents left processing (a crash, a restart, an outage) that are due for another try',
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
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
