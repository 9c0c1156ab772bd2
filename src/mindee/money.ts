/**
 * Amounts as integer minor units of their currency. Mindee gives JSON numbers in major units (204.75); they are
 * converted from their shortest decimal text (what JSON carried), not by multiplying floats, so 1.005 EUR is 101
 * cents and 0.29 EUR is 29, never 28.999… .
 */

import { currencyExponent } from '../common/currency';

export { currencyExponent };

/** An ISO 4217 code in upper case, or null for anything that is not three letters. */
export function currencyCode(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const code = value.trim().toUpperCase();
	return /^[A-Z]{3}$/.test(code) ? code : null;
}

/** Plain decimal text of a finite number ("1e-7" → "0.0000001", "1e+21" → "1000000000000000000000"). */
function decimalText(value: number): string {
	const text = String(value);
	const exponential = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(text);
	if (!exponential) return text;
	const [, sign, whole, fraction = '', exponentText] = exponential;
	const digits = whole + fraction;
	const point = whole.length + Number(exponentText);
	if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
	if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
	return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Major units (a number, or a numeric string with a dot or comma decimal separator) → integer minor units with
 * `exponent` decimals, rounded half away from zero when the value has more decimals than the currency (a JPY
 * amount of 1234.5 becomes 1235). Null for null, non-numbers and values beyond the safe integer range.
 */
export function toMinorUnits(value: unknown, exponent: number): number | null {
	let text: string;
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) return null;
		text = decimalText(value);
	} else if (typeof value === 'string' && /^\s*[+-]?\d+(?:[.,]\d+)?\s*$/.test(value)) {
		text = value.trim().replace(',', '.').replace(/^\+/, '');
	} else {
		return null;
	}
	const negative = text.startsWith('-');
	const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
	const kept = (fraction + '0'.repeat(exponent)).slice(0, exponent);
	const roundUp = fraction.length > exponent && fraction.charCodeAt(exponent) >= 0x35; // next digit ≥ 5
	const minor = Number(whole) * 10 ** exponent + Number(kept || '0') + (roundUp ? 1 : 0);
	if (!Number.isSafeInteger(minor)) return null;
	return negative && minor !== 0 ? -minor : minor;
}
