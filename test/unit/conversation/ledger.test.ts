// The same file sent again: only a stored copy of the same bytes, in the same organisation, by another message counts.
import type { IDataObject } from 'n8n-workflow';

import { InvoiceInbox } from '../../../nodes/InvoiceInbox/InvoiceInbox.node';
import { findEarlierCopy, overtakenBy, toLedgerRow, type LedgerRow } from '../../../src/conversation/ledger';
import { createExecuteContext } from '../../support/executeContext';

const SHA = 'c0e961e8a14c71f602b6dce79a287250f5ccc896eccd403eadb7bd6214f6578a';
const row = (id: number, changes: Partial<LedgerRow>): LedgerRow => ({ id, messageId: `wamid.${id}`, organisationId: 'acme', sha256: SHA, state: 'matched', receivedAt: '2026-11-30T10:00:00.000Z', supplierInvoiceId: `inv-${id}`, transactionId: '', attempts: 0, waId: '', userId: '', question: null, ...changes });

describe('findEarlierCopy', () => {
	const file = { sha256: SHA.toUpperCase(), organisationId: 'acme', messageId: 'wamid.new' };

	test('the first stored copy by another message', () => {
		expect(findEarlierCopy([row(5, { state: 'stored' }), row(3, {})], file)?.id).toBe(3);
	});

	test.each([
		['the message itself (a repeated delivery)', row(1, { messageId: 'wamid.new' })],
		['another organisation', row(1, { organisationId: 'globex' })],
		['another file', row(1, { sha256: 'a'.repeat(64) })],
		['a copy that failed', row(1, { state: 'failed' })],
		['a copy still processing', row(1, { state: 'processing' })],
	])('not %s', (_what, candidate) => {
		expect(findEarlierCopy([candidate], file)).toBeUndefined();
	});

	test('rows as the Data Table returns them; an empty item is no row', () => {
		expect(toLedgerRow({ id: 7, messageId: 'm', sha256: SHA.toUpperCase(), state: 'stored', organisationId: 'acme', extraction: '{}' })).toMatchObject({ id: 7, sha256: SHA });
		expect(toLedgerRow({})).toBeNull();
	});
});

describe('Invoice Inbox: Check Same File', () => {
	const node = new InvoiceInbox();
	async function check(files: IDataObject[], rows: IDataObject[]) {
		const items = files.map((json) => ({ json, binary: { data: { data: 'AA==', mimeType: 'image/jpeg' } } }));
		const { context } = createExecuteContext({
			items,
			parameters: (itemIndex) => ({ operation: 'checkSameFile', sha256: (files[itemIndex].fileCheck as IDataObject).sha256 as string, organisationId: 'acme', messageId: files[itemIndex].messageId as string }),
			credentials: {},
		});
		context.getInputData.mockImplementation(((inputIndex = 0) => (inputIndex === 1 ? rows.map((json) => ({ json })) : items)) as never);
		return await node.execute.call(context);
	}

	test('a batch: the new file goes on with its binary, the stored one goes to Same File with the earlier copy', async () => {
		const [newFiles, sameFiles] = await check(
			[
				{ messageId: 'wamid.a', fileCheck: { sha256: 'b'.repeat(64) } },
				{ messageId: 'wamid.b', fileCheck: { sha256: SHA } },
			],
			[{ id: 4, messageId: 'wamid.old', organisationId: 'acme', sha256: SHA, state: 'stored', receivedAt: '2026-11-30T10:00:00.000Z', supplierInvoiceId: 'inv-4' }],
		);
		expect(newFiles).toEqual([expect.objectContaining({ json: expect.objectContaining({ messageId: 'wamid.a' }), binary: expect.any(Object), pairedItem: { item: 0 } })]);
		expect(sameFiles).toEqual([expect.objectContaining({ json: expect.objectContaining({ messageId: 'wamid.b', earlierCopy: expect.objectContaining({ messageId: 'wamid.old', supplierInvoiceId: 'inv-4' }) }), pairedItem: { item: 1 } })]);
	});

	test('no rows found (the lookup gave one empty item): a new file', async () => {
		const [newFiles, sameFiles] = await check([{ messageId: 'wamid.a', fileCheck: { sha256: SHA } }], [{}]);
		expect([newFiles.length, sameFiles.length]).toEqual([1, 0]);
	});

	test('no sha256: a clear error', async () => {
		await expect(check([{ messageId: 'wamid.a', fileCheck: {} }], [])).rejects.toThrow('No SHA-256 for this file');
	});
});

describe('overtakenBy: only the attempt that owns the document goes on to Qonto', () => {
	const processing = (attempts: number) => row(1, { messageId: 'wamid.m', state: 'processing', attempts });

	test('the attempt the ledger names goes on', () => {
		expect(overtakenBy([processing(0)], 'wamid.m', 0)).toBeUndefined();
		expect(overtakenBy([processing(2)], 'wamid.m', 2)).toBeUndefined();
	});

	test('a slow attempt after the sweep started a later one stops', () => {
		expect(overtakenBy([processing(1)], 'wamid.m', 0)).toBe('attempt 1 took over');
		expect(overtakenBy([processing(3)], 'wamid.m', 2)).toBe('attempt 3 took over');
	});

	test('a document another attempt finished stops, whatever its attempt number', () => {
		expect(overtakenBy([row(1, { messageId: 'wamid.m', state: 'matched', attempts: 0 })], 'wamid.m', 0)).toBe('already matched');
		expect(overtakenBy([row(1, { messageId: 'wamid.m', state: 'failed', attempts: 1 })], 'wamid.m', 1)).toBe('already failed');
	});

	test('no ledger row (it could not be written) and rows of other messages are no reason to stop', () => {
		expect(overtakenBy([], 'wamid.m', 0)).toBeUndefined();
		expect(overtakenBy([row(2, { messageId: 'wamid.other', state: 'processing', attempts: 5 })], 'wamid.m', 0)).toBeUndefined();
	});
});

describe('Invoice Inbox: Check Attempt', () => {
	const node = new InvoiceInbox();
	test('the document goes on with its binary, or to Overtaken saying why', async () => {
		const items = [{ json: { document: { total: 1 } }, binary: { data: { data: 'AA==', mimeType: 'image/jpeg' } } }];
		const run = async (rows: IDataObject[], attempt: number) => {
			const { context } = createExecuteContext({ items, parameters: { operation: 'checkAttempt', messageId: 'wamid.m', attempt }, credentials: {} });
			context.getInputData.mockImplementation(((inputIndex = 0) => (inputIndex === 1 ? rows.map((json) => ({ json })) : items)) as never);
			return await node.execute.call(context);
		};
		const ledger = [{ id: 3, messageId: 'wamid.m', state: 'processing', attempts: 1 }];
		expect(await run(ledger, 1)).toEqual([[expect.objectContaining({ json: items[0].json, binary: items[0].binary, pairedItem: { item: 0 } })], []]);
		expect(await run(ledger, 0)).toEqual([[], [expect.objectContaining({ json: { ...items[0].json, overtaken: 'attempt 1 took over' }, pairedItem: { item: 0 } })]]);
		// The Data Table lookup found nothing: one empty item.
		expect((await run([{}], 0))[0]).toHaveLength(1);
	});
});
