/**
 * Money as integer minor units. Qonto transactions carry `amount_cents`; supplier invoices carry amounts as decimal
 * strings (`{"value":"22.10","currency":"EUR"}`), which are converted exactly (string arithmetic, no floats).
 */

import { currencyExponent, toMinorUnits } from '../common/money';

/**
 * "22.10" → 2210 (EUR). Accepts a decimal comma ("10,00"), a sign, spaces and thousands separators ("1 234.50",
 * "1,234.50"); returns null for anything unreadable or with more decimals than the currency has (never rounds
 * silently, except trailing zeros). A JSON number is converted from its decimal text and rounded to the currency's
 * decimals, like Mindee's amounts.
 */
export function decimalToMinorUnits(value: unknown, currency?: string | null): number | null {
	const exponent = currencyExponent(currency);
	if (typeof value === 'number') return toMinorUnits(value, exponent);
	if (typeof value !== 'string') return null;
	let text = value.trim().replace(/[\s\u00a0\u202f']/g, '');
	if (text === '') return null;
	let sign = 1;
	if (text.startsWith('-')) {
		sign = -1;
		text = text.slice(1);
	} else if (text.startsWith('+')) {
		text = text.slice(1);
	}
	const lastDot = text.lastIndexOf('.');
	const lastComma = text.lastIndexOf(',');
	const separatorIndex = Math.max(lastDot, lastComma);
	let whole = text;
	let fraction = '';
	if (separatorIndex >= 0) {
		const tail = text.slice(separatorIndex + 1);
		// "1,234" (commas only, three digits after the last) is a thousands separator, unless the currency has 3 decimals.
		const thousands = text[separatorIndex] === ',' && !text.includes('.') && tail.length === 3 && exponent !== 3;
		if (thousands) {
			whole = text.replace(/,/g, '');
		} else {
			whole = text.slice(0, separatorIndex).replace(/[.,]/g, '');
			fraction = tail;
		}
	}
	if (!/^\d+$/.test(whole || '0') || !/^\d*$/.test(fraction)) return null;
	const significant = fraction.replace(/0+$/, '');
	if (significant.length > exponent) return null;
	const minor = Number(whole || '0') * 10 ** exponent + Number((significant + '0'.repeat(exponent)).slice(0, exponent) || '0');
	if (!Number.isSafeInteger(minor)) return null;
	return sign * minor;
}

/** `{value:"22.10", currency:"EUR"}` → 2210; null when absent or unreadable. */
export function moneyToMinorUnits(money: unknown): number | null {
	if (typeof money !== 'object' || money === null) return null;
	const { value, currency } = money as { value?: unknown; currency?: unknown };
	return decimalToMinorUnits(value, typeof currency === 'string' ? currency : null);
}
