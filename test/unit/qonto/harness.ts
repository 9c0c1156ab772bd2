/**
 * Drives the Qonto node with the shared n8n stand-in (test/support/executeContext.ts): real HTTP to the Qonto fake,
 * the API-key credential's own `authenticate`, and n8n's OAuth2 refresh-on-401 for the OAuth2 credential.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { QontoApi } from '../../../credentials/QontoApi.credentials';
import { Qonto } from '../../../nodes/Qonto/Qonto.node';
import { createExecuteContext, type Authenticate, type WireCall } from '../../support/executeContext';

export { binaryItem } from '../../support/executeContext';

export const FILES = join(__dirname, '../../fixtures/files');
export const readFixtureFile = (name: string): Buffer => readFileSync(join(FILES, name));

export interface RunOptions {
	parameters: IDataObject | ((itemIndex: number) => IDataObject);
	items?: INodeExecutionData[];
	credentials: Record<string, IDataObject>;
	continueOnFail?: boolean;
}

export interface Harness {
	context: IExecuteFunctions;
	calls: WireCall[];
	/** OAuth token data after the run (refreshed tokens show here). */
	credentials: Record<string, IDataObject>;
}

export function createHarness(options: RunOptions): Harness {
	return createExecuteContext({
		...options,
		node: { id: 'qonto-node-id', name: 'Qonto', type: 'n8n-nodes-qonto-whatsapp.qonto' },
		authenticate: { qontoApi: new QontoApi().authenticate as Authenticate },
	});
}

/** Runs the node once over the items; the first output. */
export async function runNode(options: RunOptions): Promise<{ output: INodeExecutionData[]; harness: Harness }> {
	const harness = createHarness(options);
	const [output] = await new Qonto().execute.call(harness.context);
	return { output, harness };
}

/** Runs the node and returns the error it throws. */
export async function runNodeExpectingError(options: RunOptions): Promise<{ error: Error & { description?: string; httpCode?: string | null; context: IDataObject }; harness: Harness }> {
	const harness = createHarness(options);
	try {
		await new Qonto().execute.call(harness.context);
	} catch (error) {
		return { error: error as Error & { description?: string; httpCode?: string | null; context: IDataObject }, harness };
	}
	throw new Error('the node did not fail');
}
