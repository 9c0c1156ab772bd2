import { createHmac, timingSafeEqual } from 'node:crypto';

// Activation codes: `QW1.<membershipId>.<tail>`, tail = base64url(expiry u32 BE ‖ HMAC-SHA256[0..12) ‖ organisationId).
// The membership id stays in clear so an n8n expression can pull it out with ACTIVATION_CODE_PATTERN; everything
// the code asserts (organisation, membership, expiry) is covered by the signature.

const PREFIX = 'QW1';
const SIGNATURE_DOMAIN = 'qw1';
const EXPIRY_BYTES = 4;
const SIGNATURE_BYTES = 12;
const MAX_ID_LENGTH = 64;
const MIN_SECRET_LENGTH = 16;
const MAX_EXPIRY_SECONDS = 0xffffffff;

const MEMBERSHIP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ORGANISATION_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Tail length bounds: base64url without padding of 4 + 12 + (1..64) bytes, i.e. 17..80 bytes. */
const MIN_TAIL_CHARS = Math.ceil(((EXPIRY_BYTES + SIGNATURE_BYTES + 1) * 4) / 3); // 23
const MAX_TAIL_CHARS = Math.ceil(((EXPIRY_BYTES + SIGNATURE_BYTES + MAX_ID_LENGTH) * 4) / 3); // 107

/**
 * Finds a code inside a longer text (group 1: membership id, group 2: tail). Not global, so it keeps no lastIndex
 * state between calls. Lookarounds instead of `\b`: a tail may end with `-`, where `\b` would let the engine
 * backtrack to a shorter, truncated tail.
 */
export const ACTIVATION_CODE_PATTERN = /(?<![A-Za-z0-9_-])QW1\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{23,107})(?![A-Za-z0-9_-])/;

/** The same shape anchored to the whole string, for verification. */
const WHOLE_CODE = new RegExp(`^${PREFIX}\\.([A-Za-z0-9_-]{1,${MAX_ID_LENGTH}})\\.([A-Za-z0-9_-]{${MIN_TAIL_CHARS},${MAX_TAIL_CHARS}})$`);

export interface ActivationGrant {
	organisationId: string;
	membershipId: string;
	expiresAt: Date;
}

export type ActivationCheck =
	| { ok: true; organisationId: string; membershipId: string; expiresAt: Date }
	| { ok: false; reason: 'malformed' | 'bad_signature' | 'expired'; organisationId?: string; membershipId?: string };

function assertSecret(secret: string): void {
	// A short or empty secret is a configuration mistake, not a member's mistake: fail loudly in both directions.
	if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
		throw new RangeError(`The activation secret must be at least ${MIN_SECRET_LENGTH} characters long`);
	}
}

function sign(secret: string, organisationId: string, membershipId: string, expirySeconds: number): Buffer {
	return createHmac('sha256', secret)
		.update(`${SIGNATURE_DOMAIN}\u0000${organisationId}\u0000${membershipId}\u0000${expirySeconds}`, 'utf8')
		.digest()
		.subarray(0, SIGNATURE_BYTES);
}

export function createActivationCode(grant: ActivationGrant, secret: string): string {
	assertSecret(secret);
	const { organisationId, membershipId, expiresAt } = grant;
	if (typeof membershipId !== 'string' || !MEMBERSHIP_ID.test(membershipId)) {
		throw new RangeError('The membership id must be 1 to 64 characters among A-Z, a-z, 0-9, "_" and "-"');
	}
	if (typeof organisationId !== 'string' || !ORGANISATION_ID.test(organisationId)) {
		throw new RangeError('The organisation id must be 1 to 64 characters among A-Z, a-z, 0-9, "_", "." and "-"');
	}
	const time = expiresAt instanceof Date ? expiresAt.getTime() : Number.NaN;
	const expirySeconds = Math.floor(time / 1000);
	if (!Number.isFinite(time) || expirySeconds < 0 || expirySeconds > MAX_EXPIRY_SECONDS) {
		throw new RangeError('The expiry date must be a valid date between 1970 and 2106');
	}
	const expiry = Buffer.alloc(EXPIRY_BYTES);
	expiry.writeUInt32BE(expirySeconds, 0);
	const tail = Buffer.concat([expiry, sign(secret, organisationId, membershipId, expirySeconds), Buffer.from(organisationId, 'utf8')]);
	return `${PREFIX}.${membershipId}.${tail.toString('base64url')}`;
}

/** The first code in a text (e.g. the whole WhatsApp message), unchecked; null when the text holds none. */
export function findActivationCode(text: string): string | null {
	if (typeof text !== 'string') return null;
	const match = ACTIVATION_CODE_PATTERN.exec(text);
	return match ? match[0] : null;
}

/** The membership id read from a code (or a text holding one) without checking it (for lookups), or null. */
export function membershipIdOfCode(text: string): string | null {
	if (typeof text !== 'string') return null;
	const match = ACTIVATION_CODE_PATTERN.exec(text);
	return match ? match[1] : null;
}

/**
 * Checks a code on its own (no surrounding text: use findActivationCode first). Never throws for a bad code;
 * throws a RangeError only for a bad secret. A bad signature carries no ids: they are unauthenticated claims.
 */
export function verifyActivationCode(code: string, secret: string, now: Date): ActivationCheck {
	assertSecret(secret);
	// An invalid clock would make every comparison false, i.e. every code valid forever.
	if (!(now instanceof Date) || !Number.isFinite(now.getTime())) throw new RangeError('"now" must be a valid date');
	if (typeof code !== 'string') return { ok: false, reason: 'malformed' };
	const match = WHOLE_CODE.exec(code);
	if (!match) return { ok: false, reason: 'malformed' };
	const [, membershipId, tailText] = match;
	const tail = Buffer.from(tailText, 'base64url');
	// Node's decoder ignores the unused low bits of the last character: insist on the canonical encoding so that
	// no two strings decode to the same code (a changed character must never still verify).
	if (tail.toString('base64url') !== tailText) return { ok: false, reason: 'malformed' };
	if (tail.length < EXPIRY_BYTES + SIGNATURE_BYTES + 1) return { ok: false, reason: 'malformed' };
	const expirySeconds = tail.readUInt32BE(0);
	const signature = tail.subarray(EXPIRY_BYTES, EXPIRY_BYTES + SIGNATURE_BYTES);
	const organisationBytes = tail.subarray(EXPIRY_BYTES + SIGNATURE_BYTES);
	const organisationId = organisationBytes.toString('latin1');
	if (!ORGANISATION_ID.test(organisationId)) return { ok: false, reason: 'malformed' };
	const expected = sign(secret, organisationId, membershipId, expirySeconds);
	if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) {
		return { ok: false, reason: 'bad_signature' };
	}
	const expiresAt = new Date(expirySeconds * 1000);
	if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired', organisationId, membershipId };
	return { ok: true, organisationId, membershipId, expiresAt };
}
