import fc from 'fast-check';
import type { INodeProperties } from 'n8n-workflow';

import { TransactionMatch } from '../../../nodes/TransactionMatch/TransactionMatch.node';
import { DEFAULT_MATCH_OPTIONS, matchOptionsFromCollection, resolveMatchOptions } from '../../../src/matching';

describe('matchOptionsFromCollection', () => {
	it("turns the node's Options defaults into the matcher's defaults", () => {
		const options = new TransactionMatch().description.properties.find((property) => property.name === 'options')?.options as INodeProperties[];
		const collection = Object.fromEntries(options.map((option) => [option.name, option.default]));
		expect(matchOptionsFromCollection(collection)).toEqual({ ...DEFAULT_MATCH_OPTIONS });
		expect(matchOptionsFromCollection({})).toEqual({ ...DEFAULT_MATCH_OPTIONS });
		expect(matchOptionsFromCollection(undefined)).toEqual({ ...DEFAULT_MATCH_OPTIONS });
		expect(matchOptionsFromCollection(['minConfidence', 0.5])).toEqual({ ...DEFAULT_MATCH_OPTIONS });
	});

	it('reads percentages, comma-separated lists, alias rows and As Of', () => {
		const options = matchOptionsFromCollection({
			maxTipPercent: 10,
			fuelPreauthorisationCents: '100; 150.6, word,, -5',
			vatRatesPercent: '5,5 20',
			includePending: false,
			asOf: '  2024-05-03T10:00:00Z ',
			supplierAliases: {
				alias: [
					{ name: ' Ikano Handel ', aliases: 'IKEA, Ikea Damansara\nIKEA KL' },
					{ name: 'Ikano Handel', aliases: 'IKEA CHERAS' },
					{ name: '', aliases: 'NOBODY' },
					{ name: 'No Bank Names', aliases: ' , ' },
					'not a row',
				],
			},
		});
		expect(options).toMatchObject({ maxTipRatio: 0.1, fuelPreauthorisationCents: [100, 151], includePending: false, asOf: '2024-05-03T10:00:00Z' });
		// "5,5 20": a comma is a separator between entries, so 5,5 is two fives.
		expect(options.vatRates).toEqual([0.05, 0.05, 0.2]);
		expect(options.supplierAliases).toEqual({ 'Ikano Handel': ['IKEA', 'Ikea Damansara', 'IKEA KL', 'IKEA CHERAS'] });
		expect(matchOptionsFromCollection({ fuelPreauthorisationCents: '', vatRatesPercent: 'none' })).toMatchObject({ fuelPreauthorisationCents: [], vatRates: [] });
	});

	it('clamps numbers as resolveMatchOptions does and ignores values of the wrong type', () => {
		const options = matchOptionsFromCollection({ minConfidence: 1.5, cardDaysBefore: -3, cardDaysAfter: 999, transferDaysAfter: 500, maxTipPercent: 250, roundingToleranceCents: '7', includePending: 'no', asOf: '   ' });
		expect(options).toMatchObject({ minConfidence: 1, cardDaysBefore: 0, cardDaysAfter: 60, transferDaysAfter: 120, maxTipRatio: 1 });
		expect(options).toMatchObject({ roundingToleranceCents: DEFAULT_MATCH_OPTIONS.roundingToleranceCents, includePending: true, asOf: null });
		expect(matchOptionsFromCollection({ maxCandidates: 25 }).maxCandidates).toBe(9);
		expect(matchOptionsFromCollection({ maxCandidates: '2' }).maxCandidates).toBe(DEFAULT_MATCH_OPTIONS.maxCandidates);
		expect(matchOptionsFromCollection({ maxCandidates: 1 }).maxCandidates).toBe(1);
	});

	it('gives options that resolveMatchOptions leaves as they are (the matcher resolves them again)', () => {
		fc.assert(
			fc.property(fc.dictionary(fc.constantFrom('minConfidence', 'cardDaysBefore', 'maxTipPercent', 'vatRatesPercent', 'fuelPreauthorisationCents', 'asOf', 'includePending', 'maxCandidates'), fc.oneof(fc.double(), fc.string(), fc.boolean())), (collection) => {
				const options = matchOptionsFromCollection(collection);
				expect(resolveMatchOptions(options)).toEqual(options);
			}),
		);
	});
});
