/** Small statistics shared by the benchmark scripts. */

/** The value below which `share` (0–1) of an ascending list lies (nearest rank, no interpolation). */
export function percentile(sorted: number[], share: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))];
}

/** The middle value (the upper one of an even count), as `percentile(sorted, 0.5)`, for an unsorted list. */
export function median(values: number[]): number {
	return percentile([...values].sort((a, b) => a - b), 0.5);
}
