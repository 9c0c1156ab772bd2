// The sweep's plan: which unfinished documents go through again, when, and when to give up.
import { planRetries, WAITING_PREFIX } from '../../../src/conversation/retries';

const NOW = new Date('2026-12-01T10:30:00.000Z');
const settings = { abandonedAfterMinutes: 5, firstRetryMinutes: 1, giveUpAfterMinutes: 30, now: NOW };
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const message = { messageId: 'wamid.1', waId: '60123456789', userId: null, kind: 'document', document: { mediaId: 'm1' } };
const row = (changes: Record<string, unknown>) => ({ messageId: 'wamid.1', waId: '60123456789', state: 'processing', reason: '', attempts: 0, receivedAt: minutesAgo(10), updatedAt: minutesAgo(10), message: JSON.stringify(message), ...changes });

describe('planRetries', () => {
	test('an abandoned document (no progress for 5 minutes) goes through again, with its message and a claim of its own', () => {
		expect(planRetries([row({})], settings)).toEqual([
			{ messageId: 'wamid.1', message, attempt: 1, claimKey: 'wamid.1#retry1', receivedAt: minutesAgo(10), reason: '', giveUp: false },
		]);
	});

	test('a document still moving is left alone', () => {
		expect(planRetries([row({ updatedAt: minutesAgo(2) })], settings)).toEqual([]);
	});

	test('a document waiting for a service is retried after 1, 2, 4, 8, then every 10 minutes', () => {
		const waiting = (attempts: number, minutesSince: number) => row({ reason: `${WAITING_PREFIX}Mindee HTTP 503`, attempts, updatedAt: minutesAgo(minutesSince), receivedAt: minutesAgo(20) });
		expect(planRetries([waiting(0, 0.9)], settings)).toEqual([]);
		expect(planRetries([waiting(0, 1)], settings)).toHaveLength(1);
		expect(planRetries([waiting(2, 3.9)], settings)).toEqual([]);
		expect(planRetries([waiting(2, 4)], settings)[0]).toMatchObject({ attempt: 3, claimKey: 'wamid.1#retry3' });
		expect(planRetries([waiting(9, 9.9)], settings)).toEqual([]);
		expect(planRetries([waiting(9, 10)], settings)).toHaveLength(1);
	});

	test('past the deadline the plan says give up', () => {
		expect(planRetries([row({ receivedAt: minutesAgo(31) })], settings)[0]).toMatchObject({ giveUp: true, attempt: 1 });
	});

	test('finished rows, duplicates and rows without a message id are skipped; a row without a stored message is rebuilt', () => {
		const plans = planRetries([row({ state: 'stored' }), row({ messageId: '' }), row({ message: 'not json', messageId: 'wamid.2' }), row({ messageId: 'wamid.2' })], settings);
		expect(plans).toEqual([expect.objectContaining({ messageId: 'wamid.2', message: { messageId: 'wamid.2', waId: '60123456789', userId: null, kind: 'document', document: null } })]);
	});
});
