import Fuse from 'fuse.js';

/**
 * The one place that knows fuse.js. Fuse's Bitap search finds a word inside a longer text with a few edits
 * (`STATIONERY` in `SANYUSTATIONER`, `SPEFD` in `SPEED MART`), which is what OCR and card-descriptor noise need.
 */
export interface FuzzyFinder {
	/** Share of the pattern's characters that must change for it to occur somewhere in `text`: 0 = as is, 1 = not found. */
	distance(pattern: string, text: string): number;
}

/** Fuse's Bitap works on at most 32 characters; supplier words are shorter. */
const MAX_PATTERN_LENGTH = 32;

/**
 * A finder over the bank texts of one matching run: each document word is searched once in all of them (one fuse
 * search over the list), then answered from memory. `maxDistance` is fuse's `threshold`: beyond it a word is absent.
 */
export function createFuseFinder(texts: readonly string[], maxDistance = 0.3): FuzzyFinder {
	const known = new Set(texts);
	const options = { includeScore: true, ignoreLocation: true, ignoreFieldNorm: true, isCaseSensitive: true, shouldSort: false, threshold: maxDistance };
	const fuse = new Fuse([...known], options);
	const byPattern = new Map<string, Map<string, number>>();
	const search = (pattern: string): Map<string, number> => {
		let distances = byPattern.get(pattern);
		if (!distances) {
			distances = new Map();
			for (const result of fuse.search(pattern.slice(0, MAX_PATTERN_LENGTH))) distances.set(result.item, Math.min(1, Math.max(0, result.score ?? 1)));
			byPattern.set(pattern, distances);
		}
		return distances;
	};
	return {
		distance(pattern: string, text: string): number {
			if (!pattern || !text) return 1;
			if (text.includes(pattern)) return 0;
			// A text the finder was not built with is searched alone.
			if (!known.has(text)) return new Fuse([text], options).search(pattern.slice(0, MAX_PATTERN_LENGTH))[0]?.score ?? 1;
			return search(pattern).get(text) ?? 1;
		},
	};
}
