import { createHash } from 'node:crypto';
import { mockDeep } from 'jest-mock-extended';
import type { IBinaryData, IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { decode } from 'jpeg-js';
import { InvoiceFileCheck } from '../../../nodes/InvoiceFileCheck/InvoiceFileCheck.node';
import { DEFAULT_CHECK_OPTIONS, DEFAULT_JPEG_QUALITY, DEFAULT_MAX_BYTES, MEBIBYTE } from '../../../src/files';
import { corpusFile } from './helpers';

const DEFAULTS: IDataObject = {
	binaryPropertyName: 'data',
	maxFileSizeMb: 15,
	convertHeif: true,
	jpegQuality: 90,
	keepOriginal: true,
	originalPropertyName: 'original',
	outputPropertyName: 'data',
	resultField: 'fileCheck',
	options: {},
};

function binaryOf(file: string, declared: Partial<IBinaryData> = {}): IBinaryData {
	// What n8n hands the node: metadata plus a reference; the bytes come from getBinaryDataBuffer.
	return { data: 'filesystem-v2', id: `filesystem-v2:${file}`, fileName: file, mimeType: 'application/octet-stream', ...declared };
}

/** A mocked n8n context whose items carry corpus files in `data`. */
function context(items: INodeExecutionData[], parameters: IDataObject = {}, continueOnFail = false) {
	const params = { ...DEFAULTS, ...parameters };
	const ctx = mockDeep<IExecuteFunctions>();
	ctx.getInputData.mockReturnValue(items);
	ctx.getNode.mockReturnValue({ name: 'Invoice File Check', type: 'invoiceFileCheck', typeVersion: 1, position: [0, 0], parameters: {} } as INode);
	ctx.getNodeParameter.mockImplementation(((name: string, _item: number, fallback?: unknown) => params[name] ?? fallback) as IExecuteFunctions['getNodeParameter']);
	ctx.continueOnFail.mockReturnValue(continueOnFail);
	ctx.helpers.assertBinaryData.mockImplementation((index: number, name: string | IBinaryData) => {
		const binary = typeof name === 'string' ? items[index].binary?.[name] : name;
		if (!binary) throw new NodeOperationError(ctx.getNode(), `This operation expects the node's input data to contain a binary file '${String(name)}', but none was found [item ${index}]`);
		return binary;
	});
	ctx.helpers.getBinaryDataBuffer.mockImplementation(async (index: number, name: string | IBinaryData) => {
		const binary = typeof name === 'string' ? items[index].binary?.[name] : name;
		return corpusFile(String(binary?.id).replace('filesystem-v2:', ''));
	});
	ctx.helpers.prepareBinaryData.mockImplementation(async (buffer: Buffer | NodeJS.ReadableStream, fileName?: string, mimeType?: string) => ({
		data: (buffer as Buffer).toString('base64'),
		fileName,
		mimeType: mimeType ?? 'application/octet-stream',
		fileExtension: fileName?.split('.').pop(),
		bytes: (buffer as Buffer).length,
	}));
	return ctx;
}

function item(file: string, json: IDataObject = {}, declared: Partial<IBinaryData> = {}): INodeExecutionData {
	return { json, binary: { data: binaryOf(file, declared) } };
}

describe('Invoice File Check node', () => {
	const node = new InvoiceFileCheck();

	it('describes two outputs and its parameters', () => {
		const { description } = node;
		expect(description.name).toBe('invoiceFileCheck');
		expect(description.outputNames).toEqual(['Accepted', 'Rejected']);
		expect(description.outputs).toHaveLength(2);
		expect(description.usableAsTool).toBeUndefined();
		expect(description.properties.map((p) => p.name)).toEqual([
			'binaryPropertyName', 'maxFileSizeMb', 'convertHeif', 'jpegQuality', 'keepOriginal', 'originalPropertyName', 'outputPropertyName', 'resultField', 'options',
		]);
		// The UI defaults are literals (linter rule); they must stay equal to the src/ defaults.
		const byName = Object.fromEntries(description.properties.map((p) => [p.name, p]));
		expect(Number(byName.maxFileSizeMb.default) * MEBIBYTE).toBe(DEFAULT_MAX_BYTES);
		expect(byName.jpegQuality.default).toBe(DEFAULT_JPEG_QUALITY);
		const options = Object.fromEntries((byName.options.options ?? []).map((o) => ('default' in o ? [o.name, o.default] : [o.name, undefined])));
		expect(options).toEqual({ maxMegapixels: DEFAULT_CHECK_OPTIONS.maxPixels / 1e6, maxSide: DEFAULT_CHECK_OPTIONS.maxSide });
	});

	it('routes accepted and rejected items to their outputs with pairedItem, keeping the incoming json', async () => {
		const items = [
			item('invoice-3pages.pdf', { messageId: 'wamid.1' }),
			item('gif-renamed.jpg', { messageId: 'wamid.2' }, { mimeType: 'image/jpeg' }),
			item('receipt.png', { messageId: 'wamid.3' }, { fileName: 'photo' }),
		];
		const ctx = context(items);
		const [accepted, rejected] = await node.execute.call(ctx);
		expect(accepted.map((out) => out.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(rejected.map((out) => out.pairedItem)).toEqual([{ item: 1 }]);

		expect(accepted[0].json).toMatchObject({ messageId: 'wamid.1', fileCheck: { accepted: true, type: 'pdf', pageCount: 3, mimeType: 'application/pdf' } });
		expect((accepted[0].json.fileCheck as IDataObject).sha256).toMatch(/^[0-9a-f]{64}$/);
		// Same bytes: the stored binary is reused, only its name and type are corrected.
		expect(accepted[1].binary?.data).toMatchObject({ id: 'filesystem-v2:receipt.png', fileName: 'photo.png', mimeType: 'image/png', fileExtension: 'png' });
		expect(ctx.helpers.prepareBinaryData).not.toHaveBeenCalled();

		expect(rejected[0].json).toMatchObject({
			messageId: 'wamid.2',
			fileCheck: { accepted: false, reason: 'unsupported_type', detectedType: 'gif', message: 'This file type is not accepted. Please send a file in one of these formats: PDF, JPEG, PNG, HEIC, HEIF.' },
		});
		expect(rejected[0].binary).toBe(items[1].binary); // untouched
	});

	it('forwards a JPEG/ZIP polyglot as a new binary holding only the JPEG, with the size and hash of those bytes', async () => {
		const items = [item('polyglot-receipt-zip.jpg', {}, { fileName: 'receipt.jpg', mimeType: 'image/jpeg' })];
		const ctx = context(items);
		const [accepted] = await node.execute.call(ctx);
		const jpeg = corpusFile('receipt.jpg');
		expect(ctx.helpers.prepareBinaryData).toHaveBeenCalledTimes(1);
		expect(Buffer.from(String(accepted[0].binary?.data.data), 'base64').equals(jpeg)).toBe(true);
		expect(accepted[0].binary?.data).toMatchObject({ fileName: 'receipt.jpg', mimeType: 'image/jpeg', bytes: jpeg.length });
		expect(accepted[0].json.fileCheck).toMatchObject({
			type: 'jpeg',
			size: jpeg.length,
			outputSize: jpeg.length,
			sha256: createHash('sha256').update(jpeg).digest('hex'),
			removedTrailingBytes: corpusFile('polyglot-receipt-zip.jpg').length - jpeg.length,
		});
	});

	it('converts HEIC to JPEG in the output field and keeps the original', async () => {
		const items = [item('receipt.heic', {}, { mimeType: 'image/heic' })];
		const ctx = context(items);
		const [accepted, rejected] = await node.execute.call(ctx);
		expect(rejected).toEqual([]);
		expect(ctx.helpers.prepareBinaryData).toHaveBeenCalledWith(expect.any(Buffer), 'receipt.jpg', 'image/jpeg');
		const jpeg = Buffer.from(String(accepted[0].binary?.data.data), 'base64');
		expect(decode(jpeg)).toMatchObject({ width: 640, height: 1437 });
		expect(accepted[0].binary?.original).toMatchObject({ id: 'filesystem-v2:receipt.heic', fileName: 'receipt.heic', mimeType: 'image/heic' });
		expect(accepted[0].json.fileCheck).toMatchObject({ type: 'heic', converted: true, fileName: 'receipt.jpg', outputMimeType: 'image/jpeg', conversion: { quality: 90 } });
	}, 30_000);

	it('honours the output names, Keep Original off, and an empty result field (top-level merge)', async () => {
		const items = [item('receipt-mif1.heif')];
		const [accepted] = await node.execute.call(context(items, { outputPropertyName: 'qonto', keepOriginal: false, resultField: '' }));
		expect(Object.keys(accepted[0].binary ?? {}).sort()).toEqual(['data', 'qonto']);
		expect(accepted[0].binary?.data).toBe(items[0].binary?.data);
		expect(accepted[0].json).toMatchObject({ accepted: true, type: 'heif', fileName: 'receipt-mif1.jpg' });
	}, 30_000);

	it('applies the size limit parameter', async () => {
		const [accepted, rejected] = await node.execute.call(context([item('invoice-1page.pdf')], { maxFileSizeMb: 0.1 }));
		expect(accepted).toEqual([]);
		expect(rejected[0].json.fileCheck).toMatchObject({ reason: 'too_large', params: { limitMb: 0.1, limitBytes: 104858 } });
	});

	it('with Continue On Fail, sends a failing item to Rejected with an error and goes on', async () => {
		const items: INodeExecutionData[] = [{ json: { messageId: 'wamid.9' } }, item('receipt.jpg')];
		const [accepted, rejected] = await node.execute.call(context(items, {}, true));
		expect(accepted.map((out) => out.pairedItem)).toEqual([{ item: 1 }]);
		expect(rejected).toHaveLength(1);
		expect(rejected[0].pairedItem).toEqual({ item: 0 });
		expect(rejected[0].json).toEqual({ error: expect.stringContaining("binary file 'data'"), details: { reason: 'error' } });
	});

	it('without Continue On Fail, throws a NodeOperationError', async () => {
		const items: INodeExecutionData[] = [item('receipt.jpg'), { json: {} }];
		await expect(node.execute.call(context(items))).rejects.toThrow(NodeOperationError);
	});
});
