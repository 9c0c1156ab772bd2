/** ISO 4217 currencies whose minor unit is not 1/100 (every other code, and an unknown one, has 2 decimals). */
const EXPONENTS: Readonly<Record<string, number>> = {
	BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
	BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
	CLF: 4, UYW: 4,
};

export const DEFAULT_CURRENCY_EXPONENT = 2;

/** Number of decimals of a currency's minor unit: JPY 0, EUR 2, KWD 3; 2 when the currency is unknown or missing. */
export function currencyExponent(currency: string | null | undefined): number {
	if (!currency) return DEFAULT_CURRENCY_EXPONENT;
	return EXPONENTS[currency.trim().toUpperCase()] ?? DEFAULT_CURRENCY_EXPONENT;
}
