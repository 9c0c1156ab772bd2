import fc from 'fast-check';

import {
	ACTIVATION_CODE_PATTERN,
	createActivationCode,
	findActivationCode,
	membershipIdOfCode,
	verifyActivationCode,
} from '../../../src/conversation/activation';

const SECRET = 'a-long-enough-activation-secret';
const OTHER_SECRET = 'another-long-enough-secret-value';
const MEMBERSHIP = 'c9f9f051-7558-451c-b310-f4b8521424aa';
const ORGANISATION = 'acme-sas-1234';
const EXPIRES = new Date('2030-01-01T12:00:00.000Z');
const BEFORE = new Date('2029-12-31T12:00:00.000Z');
const grant = { organisationId: ORGANISATION, membershipId: MEMBERSHIP, expiresAt: EXPIRES };

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const MUTATION_CHARS = `${BASE64URL_ALPHABET}.`.split('');

const membershipIds = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const organisationIds = fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/);
const secrets = fc.string({ minLength: 16, maxLength: 80 });
const expirySeconds = fc.integer({ min: 1, max: 0xffffffff });

describe('activation codes', () => {
	it('round-trips organisation, membership and expiry', () => {
		const code = createActivationCode(grant, SECRET);
		expect(code.startsWith(`QW1.${MEMBERSHIP}.`)).toBe(true);
		expect(code).toMatch(/^[\x21-\x7e]+$/);
		expect(verifyActivationCode(code, SECRET, BEFORE)).toEqual({
			ok: true,
			organisationId: ORGANISATION,
			membershipId: MEMBERSHIP,
			expiresAt: EXPIRES,
		});
	});

	it('keeps whole seconds of the expiry', () => {
		const code = createActivationCode({ ...grant, expiresAt: new Date('2030-01-01T12:00:00.999Z') }, SECRET);
		const check = verifyActivationCode(code, SECRET, BEFORE);
		expect(check.ok && check.expiresAt.toISOString()).toBe('2030-01-01T12:00:00.000Z');
	});

	it('refuses a code exactly at its expiry and after, one millisecond before is fine', () => {
		const code = createActivationCode(grant, SECRET);
		expect(verifyActivationCode(code, SECRET, new Date(EXPIRES.getTime() - 1)).ok).toBe(true);
		const expired = { ok: false, reason: 'expired', organisationId: ORGANISATION, membershipId: MEMBERSHIP };
		expect(verifyActivationCode(code, SECRET, EXPIRES)).toEqual(expired);
		expect(verifyActivationCode(code, SECRET, new Date('2031-06-01T00:00:00Z'))).toEqual(expired);
	});

	it('reports a code made with another secret as bad_signature, without echoing its claims', () => {
		const code = createActivationCode(grant, OTHER_SECRET);
		expect(verifyActivationCode(code, SECRET, BEFORE)).toEqual({ ok: false, reason: 'bad_signature' });
	});

	it('refuses a code whose organisation or membership was rewritten', () => {
		const code = createActivationCode(grant, SECRET);
		const [, , tail] = code.split('.');
		const bytes = Buffer.from(tail, 'base64url');
		const forged = Buffer.concat([bytes.subarray(0, 16), Buffer.from('evil-corp', 'utf8')]).toString('base64url');
		expect(verifyActivationCode(`QW1.${MEMBERSHIP}.${forged}`, SECRET, BEFORE)).toEqual({ ok: false, reason: 'bad_signature' });
		const otherMember = 'd0000000-7558-451c-b310-f4b8521424aa';
		expect(verifyActivationCode(`QW1.${otherMember}.${tail}`, SECRET, BEFORE)).toEqual({ ok: false, reason: 'bad_signature' });
		// A later expiry with the old signature.
		const later = Buffer.from(bytes);
		later.writeUInt32BE(later.readUInt32BE(0) + 86400, 0);
		expect(verifyActivationCode(`QW1.${MEMBERSHIP}.${later.toString('base64url')}`, SECRET, BEFORE)).toEqual({
			ok: false,
			reason: 'bad_signature',
		});
	});

	it('refuses a non-canonical tail whose unused low bits changed', () => {
		// 4 + 12 + 1 bytes = 17 bytes = 23 characters: the last character carries 2 unused bits.
		const code = createActivationCode({ ...grant, organisationId: 'a' }, SECRET);
		const last = code[code.length - 1];
		const index = BASE64URL_ALPHABET.indexOf(last);
		const sibling = BASE64URL_ALPHABET[index ^ 1];
		const tampered = code.slice(0, -1) + sibling;
		// Node decodes both tails to the same bytes: only the canonical-encoding check tells them apart.
		expect(Buffer.from(tampered.split('.')[2], 'base64url').equals(Buffer.from(code.split('.')[2], 'base64url'))).toBe(true);
		expect(verifyActivationCode(tampered, SECRET, BEFORE)).toEqual({ ok: false, reason: 'malformed' });
	});

	it('reports malformed codes without throwing', () => {
		const code = createActivationCode(grant, SECRET);
		const tail = code.split('.')[2];
		const malformed = [
			'',
			'hello',
			'QW1.',
			'QW1..',
			`QW1.${MEMBERSHIP}.`,
			`QW1.${MEMBERSHIP}.${tail.slice(0, 10)}`,
			`QW1.${MEMBERSHIP}.${tail.slice(0, -1)}`,
			`QW2.${MEMBERSHIP}.${tail}`,
			`qw1.${MEMBERSHIP}.${tail}`,
			`QW1.${MEMBERSHIP}.${tail}=`,
			`QW1.${MEMBERSHIP}.${tail}.`,
			`QW1.${MEMBERSHIP}.${tail}x`.slice(0, 5),
			` ${code}`,
			`${code} `,
			`QW1.${'a'.repeat(65)}.${tail}`,
			`QW1.${MEMBERSHIP}.${'A'.repeat(108)}`,
			// Well-formed base64 whose organisation bytes are not allowed (a space).
			`QW1.${MEMBERSHIP}.${Buffer.concat([Buffer.alloc(16, 7), Buffer.from('a b')]).toString('base64url')}`,
			// Tail too short to hold an organisation.
			`QW1.${MEMBERSHIP}.${Buffer.alloc(16, 7).toString('base64url')}`,
		];
		for (const text of malformed) {
			expect(verifyActivationCode(text, SECRET, BEFORE)).toEqual({ ok: false, reason: 'malformed' });
		}
		expect(verifyActivationCode(undefined as unknown as string, SECRET, BEFORE)).toEqual({ ok: false, reason: 'malformed' });
	});

	it('never throws and never accepts arbitrary strings', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 200 }), (text) => verifyActivationCode(text, SECRET, BEFORE).ok === false),
		);
		fc.assert(
			fc.property(membershipIds, fc.stringMatching(/^[A-Za-z0-9_-]{0,120}$/), (membershipId, tail) => {
				return verifyActivationCode(`QW1.${membershipId}.${tail}`, SECRET, BEFORE).ok === false;
			}),
		);
	});

	it('is ok after replacing one character only when the code is unchanged', () => {
		fc.assert(
			fc.property(
				membershipIds,
				organisationIds,
				secrets,
				fc.nat(),
				fc.constantFrom(...MUTATION_CHARS),
				(membershipId, organisationId, secret, position, replacement) => {
					const code = createActivationCode({ organisationId, membershipId, expiresAt: EXPIRES }, secret);
					const index = position % code.length;
					const mutated = code.slice(0, index) + replacement + code.slice(index + 1);
					const check = verifyActivationCode(mutated, secret, BEFORE);
					if (mutated === code) return check.ok && check.organisationId === organisationId && check.membershipId === membershipId;
					return check.ok === false;
				},
			),
			{ numRuns: 2000 },
		);
	});

	it('refuses a code with a character inserted or removed', () => {
		fc.assert(
			fc.property(
				membershipIds,
				organisationIds,
				fc.nat(),
				fc.constantFrom(...MUTATION_CHARS),
				fc.boolean(),
				(membershipId, organisationId, position, extra, insert) => {
					const code = createActivationCode({ organisationId, membershipId, expiresAt: EXPIRES }, SECRET);
					const index = position % code.length;
					const mutated = insert ? code.slice(0, index) + extra + code.slice(index) : code.slice(0, index) + code.slice(index + 1);
					return verifyActivationCode(mutated, SECRET, BEFORE).ok === false;
				},
			),
			{ numRuns: 1000 },
		);
	});

	it('verifies to exactly the organisation, membership and expiry it was made for', () => {
		fc.assert(
			fc.property(membershipIds, organisationIds, secrets, expirySeconds, (membershipId, organisationId, secret, seconds) => {
				const expiresAt = new Date(seconds * 1000);
				const code = createActivationCode({ organisationId, membershipId, expiresAt }, secret);
				expect(findActivationCode(`Code: ${code}.`)).toBe(code);
				expect(membershipIdOfCode(code)).toBe(membershipId);
				expect(verifyActivationCode(code, secret, new Date(expiresAt.getTime() - 1))).toEqual({
					ok: true,
					organisationId,
					membershipId,
					expiresAt,
				});
			}),
			{ numRuns: 500 },
		);
	});

	it('is bad_signature under any other secret', () => {
		fc.assert(
			fc.property(membershipIds, organisationIds, secrets, secrets, (membershipId, organisationId, secret, other) => {
				fc.pre(secret !== other);
				const code = createActivationCode({ organisationId, membershipId, expiresAt: EXPIRES }, secret);
				expect(verifyActivationCode(code, other, BEFORE)).toEqual({ ok: false, reason: 'bad_signature' });
			}),
			{ numRuns: 300 },
		);
	});

	it('finds a code inside a pre-filled message, on its own, and nowhere else', () => {
		const code = createActivationCode(grant, SECRET);
		const message = `Hello! I want to send my receipts to ACME. My activation code: ${code}`;
		expect(findActivationCode(message)).toBe(code);
		expect(findActivationCode(`${message}\nThanks!`)).toBe(code);
		expect(findActivationCode(`(${code}).`)).toBe(code);
		expect(findActivationCode(code)).toBe(code);
		expect(findActivationCode('Hello, here is my receipt for lunch')).toBeNull();
		expect(findActivationCode('QW1 is not a code, nor is QW1.abc.short')).toBeNull();
		expect(findActivationCode(`x${code}`)).toBeNull();
		expect(findActivationCode('')).toBeNull();
		// The exported pattern is what the workflow copies into an expression.
		expect(message.match(ACTIVATION_CODE_PATTERN)?.[1]).toBe(MEMBERSHIP);
	});

	it('finds the whole code when the tail ends with "-" or "_"', () => {
		fc.assert(
			fc.property(membershipIds, organisationIds, expirySeconds, (membershipId, organisationId, seconds) => {
				const code = createActivationCode({ organisationId, membershipId, expiresAt: new Date(seconds * 1000) }, SECRET);
				return findActivationCode(`My code: ${code} thanks`) === code && findActivationCode(`${code}!`) === code;
			}),
			{ numRuns: 500 },
		);
	});

	it('reads the membership id without checking the code', () => {
		const code = createActivationCode(grant, OTHER_SECRET);
		expect(membershipIdOfCode(code)).toBe(MEMBERSHIP);
		expect(membershipIdOfCode(`My activation code: ${code}`)).toBe(MEMBERSHIP);
		expect(membershipIdOfCode('no code here')).toBeNull();
	});

	it('accepts ids at the length limits', () => {
		const long = { organisationId: 'o'.repeat(64), membershipId: 'm'.repeat(64), expiresAt: EXPIRES };
		const code = createActivationCode(long, SECRET);
		expect(findActivationCode(`code ${code} end`)).toBe(code);
		expect(verifyActivationCode(code, SECRET, BEFORE)).toMatchObject({ ok: true, organisationId: long.organisationId });
		const short = createActivationCode({ organisationId: 'o', membershipId: 'm', expiresAt: EXPIRES }, SECRET);
		expect(findActivationCode(short)).toBe(short);
		expect(verifyActivationCode(short, SECRET, BEFORE).ok).toBe(true);
	});

	it('throws RangeError for bad inputs and secrets', () => {
		const bad: Array<[Partial<typeof grant>, string]> = [
			[{ membershipId: '' }, SECRET],
			[{ membershipId: 'a'.repeat(65) }, SECRET],
			[{ membershipId: 'has.dot' }, SECRET],
			[{ membershipId: 'has space' }, SECRET],
			[{ membershipId: 'é' }, SECRET],
			[{ organisationId: '' }, SECRET],
			[{ organisationId: 'o'.repeat(65) }, SECRET],
			[{ organisationId: 'acme/sas' }, SECRET],
			[{ organisationId: 'société' }, SECRET],
			[{ expiresAt: new Date(Number.NaN) }, SECRET],
			[{ expiresAt: new Date('1969-12-31T23:59:59Z') }, SECRET],
			[{ expiresAt: new Date('2106-02-08T00:00:00Z') }, SECRET],
			[{}, ''],
			[{}, 'fifteen-chars!!'],
		];
		for (const [change, secret] of bad) {
			expect(() => createActivationCode({ ...grant, ...change }, secret)).toThrow(RangeError);
		}
		const code = createActivationCode(grant, SECRET);
		expect(() => verifyActivationCode(code, '', BEFORE)).toThrow(RangeError);
		expect(() => verifyActivationCode(code, 'short', BEFORE)).toThrow(RangeError);
		expect(() => verifyActivationCode('garbage', '', BEFORE)).toThrow(RangeError);
		expect(() => verifyActivationCode(code, SECRET, new Date(Number.NaN))).toThrow(RangeError);
	});
});
