import { createHash } from 'node:crypto';

import { isRecord, textOf, trimmedText } from '../../../src/common/guards';
import { sha256Hex } from '../../../src/common/hash';

describe('guards', () => {
	it('isRecord: objects, not arrays, null or primitives', () => {
		expect([{}, { a: 1 }, new Error('x'), Object.create(null)].map(isRecord)).toEqual([true, true, true, true]);
		expect([[], [1], null, undefined, 'text', 7, true].map(isRecord)).toEqual([false, false, false, false, false, false, false]);
	});

	it('textOf: strings as they are, numbers as text, else empty', () => {
		expect([' a ', 12, 0, '', null, undefined, true, {}].map(textOf)).toEqual([' a ', '12', '0', '', '', '', '', '']);
	});

	it('trimmedText: trimmed non-empty strings, else null', () => {
		expect([' a ', 'b', '', '  \n', 7, null, undefined, {}].map(trimmedText)).toEqual(['a', 'b', null, null, null, null, null, null]);
	});
});

describe('sha256Hex', () => {
	it('hashes a Buffer and a Uint8Array of the same bytes alike (known vector)', () => {
		expect(sha256Hex(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		expect(sha256Hex(new Uint8Array([0x61, 0x62, 0x63]))).toBe(sha256Hex(Buffer.from('abc')));
		expect(sha256Hex(new Uint8Array())).toBe(createHash('sha256').digest('hex'));
	});
});
