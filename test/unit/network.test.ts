import { networkErrorCode, requestNeverSent, timeoutMs } from '../../src/common/network';

describe('network failures', () => {
	test('the system error code is found where n8n and axios put it', () => {
		expect(networkErrorCode({ code: 'ECONNABORTED' })).toBe('ECONNABORTED');
		expect(networkErrorCode({ message: 'wrapped', cause: { cause: { code: 'ECONNREFUSED' } } })).toBe('ECONNREFUSED');
		expect(networkErrorCode({ context: { data: {} }, message: 'connect ETIMEDOUT 10.0.0.1:443' })).toBe('ETIMEDOUT');
		expect(networkErrorCode(new Error('Request failed with status code 500'))).toBeNull();
		expect(networkErrorCode('nonsense')).toBeNull();
	});

	test('only a refused connection or an unknown host proves the request never left', () => {
		expect(requestNeverSent({ cause: { code: 'ECONNREFUSED' } })).toBe(true);
		expect(requestNeverSent({ code: 'ENOTFOUND' })).toBe(true);
		expect(requestNeverSent({ code: 'ECONNABORTED' })).toBe(false);
		expect(requestNeverSent({ code: 'ECONNRESET' })).toBe(false);
		expect(requestNeverSent({ code: 'ETIMEDOUT' })).toBe(false);
		expect(requestNeverSent(new Error('socket hang up'))).toBe(false);
	});

	test('timeouts from parameters, bounded', () => {
		expect(timeoutMs(30, 60)).toBe(30_000);
		expect(timeoutMs(undefined, 60)).toBe(60_000);
		expect(timeoutMs('abc', 60)).toBe(60_000);
		expect(timeoutMs(0.1, 60)).toBe(1_000);
		expect(timeoutMs(10_000, 60)).toBe(600_000);
	});
});
