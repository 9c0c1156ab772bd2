// Money as integer minor units with each currency's ISO 4217 exponent: reading major units, writing them back.
import fc from 'fast-check';

import { currencyCode, currencyExponent, formatMoney, formatMoneyIn, toMinorUnits } from '../../../src/common/money';

describe('money in minor units', () => {
	it('converts from the decimal text, not by multiplying floats', () => {
		expect(toMinorUnits(0.29, 2)).toBe(29); // 0.29 * 100 = 28.999999999999996
		expect(toMinorUnits(1.005, 2)).toBe(101); // 1.005 * 100 = 100.49999999999999
		expect(toMinorUnits(204.75, 2)).toBe(20475);
		expect(toMinorUnits(-9.75, 2)).toBe(-975);
		expect(toMinorUnits(1234.5, 0)).toBe(1235);
		expect(toMinorUnits(1e-7, 2)).toBe(0);
		expect(toMinorUnits(1e21, 2)).toBeNull();
		expect(toMinorUnits('12,50', 2)).toBe(1250);
		expect(toMinorUnits(null, 2)).toBeNull();
		expect(toMinorUnits('abc', 2)).toBeNull();
		expect(toMinorUnits(Number.NaN, 2)).toBeNull();
	});

	it('matches the exact decimal for every amount with at most the currency decimals', () => {
		fc.assert(
			fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom(0, 2, 3), (minor, exponent) => {
				const major = Number((minor / 10 ** exponent).toFixed(exponent));
				expect(toMinorUnits(major, exponent)).toBe(minor);
			}),
		);
	});

	it('knows the exponents of the usual currencies, and reads codes in any case', () => {
		expect([currencyExponent('EUR'), currencyExponent('JPY'), currencyExponent('KWD'), currencyExponent('BHD'), currencyExponent(null)]).toEqual([2, 0, 3, 3, 2]);
		expect([currencyCode(' jpy '), currencyCode('EURO'), currencyCode(12)]).toEqual(['JPY', null, null]);
	});
});

describe('writing amounts', () => {
	it('prints as many decimals as the currency has', () => {
		expect(formatMoney(2390, 'EUR')).toBe('23.90 EUR');
		expect(formatMoney(1000, 'JPY')).toBe('1000 JPY');
		expect(formatMoney(12345, 'BHD')).toBe('12.345 BHD');
		expect(formatMoney(-5, 'EUR')).toBe('-0.05 EUR');
		expect(formatMoney(5, 'BHD')).toBe('0.005 BHD');
		expect(formatMoney(1234, null)).toBe('12.34');
	});

	it('reads back what it prints, in every exponent', () => {
		fc.assert(
			fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('EUR', 'JPY', 'BHD', 'CLF'), (minor, currency) => {
				const [number] = formatMoney(minor, currency).split(' ');
				expect(toMinorUnits(number, currencyExponent(currency))).toBe(minor);
			}),
		);
	});

	it("writes the language's separators, with the currency's decimals and code", () => {
		expect(formatMoneyIn('en-GB', 123450, 'EUR')).toBe('1,234.50 EUR');
		expect(formatMoneyIn('de-DE', 123450, 'EUR')).toBe('1.234,50 EUR');
		expect(formatMoneyIn('de-DE', 1000, 'JPY')).toBe('1.000 JPY');
		expect(formatMoneyIn('it-IT', 12345, 'BHD')).toBe('12,345 BHD');
		// French groups thousands with a narrow no-break space.
		expect(formatMoneyIn('fr-FR', 123450, 'EUR')).toBe('1\u202f234,50 EUR');
		expect(formatMoneyIn('en-GB', -7, 'EUR')).toBe('-0.07 EUR');
	});
});
