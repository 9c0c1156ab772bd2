/**
 * Money as integer minor units of its currency, with the currency's ISO 4217 exponent: 1000 JPY is 1000 yen,
 * 12.345 BHD is 12345 fils, 23.90 EUR is 2390 cents. The one place that knows how many decimals a currency has, how
 * major units become minor units and how minor units are written back; Mindee, Qonto, the matcher and the texts
 * sent to senders all go through it. Conversions work on the decimal text, never by multiplying floats, so 0.29 EUR
 * is 29 cents and not 28.999….
 */

/** ISO 4217 currencies whose minor unit is not 1/100 (every other code, and an unknown one, has 2 decimals). */
const EXPONENTS: Readonly<Record<string, number>> = {
	BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
	BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
	CLF: 4, UYW: 4,
};

export const DEFAULT_CURRENCY_EXPONENT = 2;

/** Number of decimals of a currency's minor unit: JPY 0, EUR 2, BHD 3; 2 when the currency is unknown or missing. */
export function currencyExponent(currency: string | null | undefined): number {
	if (!currency) return DEFAULT_CURRENCY_EXPONENT;
	return EXPONENTS[currency.trim().toUpperCase()] ?? DEFAULT_CURRENCY_EXPONENT;
}

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

/** Minor units split for writing: sign, whole major units and the fraction's digits (none for JPY). */
function majorParts(minor: number, currency: string | null): { negative: boolean; whole: number; fraction: string } {
	const exponent = currencyExponent(currency);
	const absolute = Math.abs(minor);
	const scale = 10 ** exponent;
	return { negative: minor < 0, whole: Math.floor(absolute / scale), fraction: exponent === 0 ? '' : String(absolute % scale).padStart(exponent, '0') };
}

/** "23.90 EUR", "1000 JPY", "12.345 BHD", "-5.00": the plain form of the matcher's explanations and the ledger. */
export function formatMoney(minor: number, currency: string | null): string {
	const { negative, whole, fraction } = majorParts(minor, currency);
	return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}${currency ? ` ${currency}` : ''}`;
}

/**
 * The amount as people of a language write it, with the currency's code after it: "1,234.50 EUR" (en),
 * "1 234,50 EUR" (fr), "1.000 JPY" (de), "12,345 BHD" (it). `locale` is a BCP 47 tag such as `fr` or `en-GB`.
 */
export function formatMoneyIn(locale: string, minor: number, currency: string | null): string {
	const { negative, whole, fraction } = majorParts(minor, currency);
	const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
	const separator = new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
	return `${negative ? '-' : ''}${numbers.format(whole)}${fraction ? `${separator}${fraction}` : ''}${currency ? ` ${currency}` : ''}`;
}
