import type { FuzzyFinder } from './fuzzy';
import { cutWordWeight, DISTINCTIVE_WEIGHT, isDistinctive, tokenWeight, type NameTokens } from './merchantName';

export interface NameComparison {
	/** 0 = unrelated names, 1 = the same merchant as far as the texts tell. */
	similarity: number;
	/** The bank-side text that matched best. */
	matchedText: string;
}

function oneLetterApart(a: string, b: string): boolean {
	if (a.length !== b.length) return false;
	let differences = 0;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differences++;
	return differences === 1;
}

/** How well one word of the document is found in a bank text: 1 = as is, 0 = absent. */
function wordQuality(word: string, isLastWord: boolean, text: NameTokens, joined: string, finder: FuzzyFinder): number {
	const { tokens } = text;
	if (tokens.includes(word)) return 1;
	const lastToken = tokens[tokens.length - 1] ?? '';
	// The bank cut the merchant's name inside this word ("… PERNIAGA" for "PERNIAGAAN").
	if (text.mayBeTruncated && lastToken.length >= 2 && word.startsWith(lastToken)) return lastToken.length >= 3 ? 0.9 : 0.7;
	// OCR cut the document's name inside its last word ("SANYU STAT").
	if (isLastWord && tokens.some((token) => token.startsWith(word))) return word.length >= 3 ? 0.9 : 0.7;
	// Short words: only an OCR confusion of one letter in a word of the same length ("KNE" for "KHE").
	if (word.length <= 3) return word.length === 3 && tokens.some((token) => oneLetterApart(word, token)) ? 0.6 : 0;
	const distance = finder.distance(word, joined);
	if (distance === 0) return joined.startsWith(word) || joined.includes(` ${word}`) ? 0.95 : 0.75;
	return distance > 0.3 ? 0 : 1 - 1.5 * distance;
}

/**
 * Compares the document's supplier words with one bank text. Counts the weighted share of the document's words
 * found in the text, leaving out words the bank could not show because it cut a long descriptor.
 */
function compareWithText(words: string[], text: NameTokens, finder: FuzzyFinder): number {
	if (words.length === 0 || text.tokens.length === 0) return 0;
	const joined = text.tokens.join(' ');
	const weights = words.map((word, index) => (index === words.length - 1 ? cutWordWeight(word) : tokenWeight(word)));
	const qualities = words.map((word, index) =>
		weights[index] === 0 ? 0 : wordQuality(word, index === words.length - 1, text, joined, finder),
	);
	const observable = words.map(() => true);
	if (text.mayBeTruncated) {
		const anchor = qualities.findIndex((quality) => quality >= 0.5);
		if (anchor >= 0) {
			const anchorStart = Math.max(0, joined.indexOf(words[anchor]));
			const room = joined.length - anchorStart;
			let offset = 0;
			for (let index = anchor; index < words.length; index++) {
				if (offset >= room - 1 && qualities[index] < 0.5) observable[index] = false;
				offset += words[index].length + 1;
			}
		}
	}
	let matchedWeight = 0;
	let totalWeight = 0;
	let hasDistinctive = false;
	let distinctiveFound = false;
	words.forEach((_, index) => {
		if (!observable[index]) return;
		totalWeight += weights[index];
		matchedWeight += weights[index] * qualities[index];
		if (weights[index] >= DISTINCTIVE_WEIGHT) {
			hasDistinctive = true;
			if (qualities[index] >= 0.5) distinctiveFound = true;
		}
	});
	if (totalWeight === 0) return 0;
	// Share of the document's words found, scaled down when less than one full distinctive word was found at all.
	let similarity = (matchedWeight / totalWeight) * Math.min(1, matchedWeight);
	// Shared generic words only ("RESTORAN …", "… HARDWARE") say nothing about identity.
	if (hasDistinctive && !distinctiveFound) similarity = Math.min(similarity, 0.3);
	// Two businesses sharing a word ("ANEKA INTERTRADE" and "MAJU INTERTRADE"): the document's leading distinctive word
	// is missing while the bank's name leads with a word the document does not have.
	const lead = weights.findIndex((weight) => weight >= DISTINCTIVE_WEIGHT);
	const bankLead = text.tokens.find((token) => tokenWeight(token) > 0);
	if (lead >= 0 && observable[lead] && qualities[lead] < 0.5 && bankLead && !words.some((word) => word.startsWith(bankLead) || bankLead.startsWith(word))) {
		similarity = Math.min(similarity, 0.3);
	}
	// Brand descriptors show only the first distinctive word of the legal name ("GARDENIA SHAH ALAM").
	const leadWord = words.find(isDistinctive);
	if (leadWord && leadWord.length >= 5 && text.tokens[0] === leadWord) similarity = Math.max(similarity, 0.75);
	return Math.min(1, similarity);
}

/** Best similarity between any of the document's names and any of the transaction's names. */
export function compareNames(documentNames: string[][], bankTexts: NameTokens[], finder: FuzzyFinder): NameComparison {
	let best: NameComparison = { similarity: 0, matchedText: bankTexts[0]?.tokens.join(' ') ?? '' };
	for (const words of documentNames) {
		for (const text of bankTexts) {
			const similarity = compareWithText(words, text, finder);
			if (similarity > best.similarity) best = { similarity, matchedText: text.tokens.join(' ') };
		}
	}
	return best;
}
