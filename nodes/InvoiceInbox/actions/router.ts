import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as checkAnswer from './checkAnswer.operation';
import * as checkAttempt from './checkAttempt.operation';
import * as checkSameFile from './checkSameFile.operation';
import * as composeFailureReply from './composeFailureReply.operation';
import * as composeFollowUp from './composeFollowUp.operation';
import * as composeQuestion from './composeQuestion.operation';
import * as createActivationLinks from './createActivationLinks.operation';
import * as matchAgain from './matchAgain.operation';
import * as planNudges from './planNudges.operation';
import * as planRematch from './planRematch.operation';
import * as planRetries from './planRetries.operation';
import * as refreshMembers from './refreshMembers.operation';
import * as routeMessage from './routeMessage.operation';

/** Each operation takes the whole input (four operations pair two inputs, links may make one page of all items). */
const OPERATIONS = new Map<string, (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>>([
	['routeMessage', routeMessage.execute],
	['createActivationLinks', createActivationLinks.execute],
	['composeFailureReply', composeFailureReply.execute],
	['checkSameFile', checkSameFile.execute],
	['checkAttempt', checkAttempt.execute],
	['planRetries', planRetries.execute],
	['planRematch', planRematch.execute],
	['matchAgain', matchAgain.execute],
	['composeFollowUp', composeFollowUp.execute],
	['refreshMembers', refreshMembers.execute],
	['composeQuestion', composeQuestion.execute],
	['checkAnswer', checkAnswer.execute],
	['planNudges', planNudges.execute],
]);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = OPERATIONS.get(operation);
	if (!execute) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	return await execute.call(this);
}
