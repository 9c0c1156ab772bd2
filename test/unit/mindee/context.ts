import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { mockDeep } from 'jest-mock-extended';
import type { IBinaryData, IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const FIXTURES = join(__dirname, '../../fixtures');

/** Real bytes: a sample receipt photo (samples/receipts) or a file of the file-check corpus (files/). */
export function fixtureBytes(relativePath: string): Buffer {
	return readFileSync(join(FIXTURES, relativePath));
}

export interface TestFile {
	/** Under test/fixtures, e.g. samples/receipts/sroie-060.jpg. */
	path: string;
	/** The name the binary carries (what the sender called it). */
	fileName: string;
	mimeType?: string;
}

/** An input item whose binary field holds a reference, the way n8n hands over filesystem-mode binaries. */
export function fileItem(file: TestFile, json: IDataObject = {}, property = 'data'): INodeExecutionData {
	const binary: IBinaryData = { data: 'filesystem-v2', id: `filesystem-v2:${file.path}`, fileName: file.fileName, mimeType: file.mimeType ?? 'application/octet-stream' };
	return { json, binary: { [property]: binary } };
}

/** A mocked IExecuteFunctions: parameters, one credential, and binary helpers that return the fixture's real bytes. */
export function executeContext(options: { items: INodeExecutionData[]; parameters: IDataObject; credentials: IDataObject; continueOnFail?: boolean }) {
	const context = mockDeep<IExecuteFunctions>();
	const node: INode = { id: 'mindee-1', name: 'Mindee Invoice Extract', type: 'n8n-nodes-qonto-whatsapp.mindeeInvoiceExtract', typeVersion: 1, position: [0, 0], parameters: {} };
	context.getInputData.mockReturnValue(options.items);
	context.getNode.mockReturnValue(node);
	context.continueOnFail.mockReturnValue(options.continueOnFail ?? false);
	context.getCredentials.mockResolvedValue(options.credentials as never);
	context.getNodeParameter.mockImplementation(((name: string, _itemIndex: number, fallback?: unknown) =>
		options.parameters[name] ?? fallback) as IExecuteFunctions['getNodeParameter']);
	const binaryOf = (index: number, name: string | IBinaryData) => (typeof name === 'string' ? options.items[index].binary?.[name] : name);
	context.helpers.assertBinaryData.mockImplementation((index: number, name: string | IBinaryData) => {
		const binary = binaryOf(index, name);
		if (!binary) throw new NodeOperationError(node, `This operation expects the node's input data to contain a binary file '${String(name)}', but none was found [item ${index}]`);
		return binary;
	});
	context.helpers.getBinaryDataBuffer.mockImplementation(async (index: number, name: string | IBinaryData) => {
		const binary = binaryOf(index, name);
		return fixtureBytes(String(binary?.id).replace('filesystem-v2:', ''));
	});
	return context;
}
