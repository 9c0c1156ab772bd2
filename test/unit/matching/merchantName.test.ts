import { createFuseFinder } from '../../../src/matching/fuzzy';
import { counterpartyTokens, descriptorTokens, supplierTokens } from '../../../src/matching/merchantName';
import { compareNames } from '../../../src/matching/nameSignal';

describe('supplierTokens', () => {
	it.each([
		['GARDENIA BAKERIES (KL) SDN BHD', ['GARDENIA', 'BAKERIES', 'KL']],
		['MR. D.I.Y. (M) SDN BHD', ['MR', 'DIY']],
		['MR. D. I. Y. (KUCHAI) SDN BHD', ['MR', 'DIY', 'KUCHAI']],
		["KING'S CONFECTIONERY S/B", ['KINGS', 'CONFECTIONERY']],
		['99 SPEED MART S/8', ['99', 'SPEED', 'MART']],
		['P4SARAYA CINWA SDN BHD', ['PASARAYA', 'CINWA']],
		['1N-SPARKLE TRADING SDH BHD', ['IN', 'SPARKLE', 'TRADING']],
		['WESTERN EASTERN ST TIONERY SDN. BH', ['WESTERN', 'EASTERN', 'ST', 'TIONERY']],
		['SIN THYE & COM', ['SIN', 'THYE']],
		['Boulangerie Dupont SARL', ['BOULANGERIE', 'DUPONT']],
		['Müller Bürobedarf GmbH', ['MULLER', 'BUROBEDARF']],
		['Café de Flore SAS', ['CAFE', 'DE', 'FLORE']],
		['S&Y STATIONERY', ['SY', 'STATIONERY']],
	])('%s → %j', (name, tokens) => {
		expect(supplierTokens(name)).toEqual(tokens);
	});

	it.each(['TAX INVOICE', 'OFFICIAL RECEIPT', 'CASH BILL', 'RECEIPT', 'Facture', '', null, undefined])('treats %p as no name', (name) => {
		expect(supplierTokens(name)).toEqual([]);
	});
});

describe('descriptorTokens', () => {
	it.each([
		['SUMUP *RESTORAN WAN SHEN', ['RESTORAN', 'WAN', 'SHEN']],
		['SQ *KEDAI PAPAN YEW CHUA', ['KEDAI', 'PAPAN', 'YEW', 'CHUA']],
		['ZETTLE_*LIGHTROOM GALLE', ['LIGHTROOM', 'GALLE']],
		['PAYPAL *SANYUSTATIONER', ['SANYUSTATIONER']],
		['CARTE X1234 25/12 GARDENIA BAKERIES KL', ['GARDENIA', 'BAKERIES', 'KL']],
		['CARTE 03/04 RESTORAN HASSANBISTRO SE', ['RESTORAN', 'HASSANBISTRO', 'SE']],
		['CB GARDENIA 251218', ['GARDENIA']],
		['GARDENIA BAKERI*KL 8100', ['GARDENIA', 'BAKERI']],
		['PRLV SEPA URSSAF', ['URSSAF']],
		['MR. D.I.Y. (M) SDN BHD', ['MR', 'DIY']],
	])('%s → %j', (label, tokens) => {
		expect(descriptorTokens(label).tokens).toEqual(tokens);
	});

	it('flags long descriptors and merchants cut before a star as possibly truncated', () => {
		expect(descriptorTokens('SYARIKAT PERNIAGAAN GIN K').mayBeTruncated).toBe(true);
		expect(descriptorTokens('RESTORAN WAN SH*CHERAS 4320').mayBeTruncated).toBe(true);
		expect(descriptorTokens('NADEJE PJ').mayBeTruncated).toBe(false);
	});
});

describe('counterpartyTokens', () => {
	it('ignores a clean name that only names the payment processor', () => {
		expect(counterpartyTokens('SumUp')).toEqual([]);
		expect(counterpartyTokens('Zettle')).toEqual([]);
		expect(counterpartyTokens('Restoran Wan Sheng')).toEqual(['RESTORAN', 'WAN', 'SHENG']);
	});
});

describe('compareNames: two businesses that share a word', () => {
	const compare = (supplier: string, label: string) => {
		const bank = descriptorTokens(label);
		return compareNames([supplierTokens(supplier)], [bank], createFuseFinder([bank.tokens.join(' ')])).similarity;
	};

	it('a shared middle word does not make ANEKA INTERTRADE the same company as MAJU INTERTRADE: the names disagree', () => {
		expect(compare('ANEKA INTERTRADE MARKETING SDN BHD', 'MAJU INTERTRADE SDN BHD')).toBeLessThanOrEqual(0.3);
		expect(compare('ANEKA INTERTRADE MARKETING SDN BHD', 'MAJU INTERTRADE MARKETING')).toBeLessThanOrEqual(0.3);
	});

	it('a missing owner name in front still matches when the bank name starts with a word of the document', () => {
		expect(compare('LIM SENG HUAT HARDWARE', 'SENG HUAT HARDWARE')).toBeGreaterThan(0.5);
		expect(compare('ANEKA INTERTRADE MARKETING SDN BHD', 'ANEKA INTERTRADE MARKE')).toBeGreaterThan(0.9);
	});
});
