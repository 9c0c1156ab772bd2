/**
 * Mindee V2 confidence: a label per field (`Certain`, `High`, `Medium`, `Low`), given only when the "Automation"
 * feature / `confidence` option is on, otherwise `null`. It is a consensus measure between several models, not a
 * probability (platform-docs, "Confidence Score and Accuracy Boost").
 *
 * The numbers below are this package's own reading of the labels, the one place where they are defined, so that a
 * workflow can compare with a threshold (`score >= 0.9` = "can be auto-processed"). They follow Mindee's suggested
 * actions: Certain = safe for automation, High = can be auto-processed, Medium = optional review, Low = manual review.
 */
export type ConfidenceLabel = 'Certain' | 'High' | 'Medium' | 'Low';

export const CONFIDENCE_SCORES: Readonly<Record<ConfidenceLabel, number>> = {
	Certain: 1,
	High: 0.9,
	Medium: 0.6,
	Low: 0.3,
};

export interface FieldConfidence {
	label: ConfidenceLabel;
	/** CONFIDENCE_SCORES[label], in [0, 1]. */
	score: number;
}

/** The label as Mindee spells it, whatever the case it arrived in; null for null, absent or unknown labels. */
export function confidenceLabel(value: unknown): ConfidenceLabel | null {
	if (typeof value !== 'string') return null;
	const wanted = value.trim().toLowerCase();
	return (Object.keys(CONFIDENCE_SCORES) as ConfidenceLabel[]).find((label) => label.toLowerCase() === wanted) ?? null;
}

export function fieldConfidence(value: unknown): FieldConfidence | null {
	const label = confidenceLabel(value);
	return label === null ? null : { label, score: CONFIDENCE_SCORES[label] };
}

/** The least confident of several (null entries ignored); null when none is given. */
export function lowestConfidence(values: Array<FieldConfidence | null | undefined>): FieldConfidence | null {
	let lowest: FieldConfidence | null = null;
	for (const value of values) if (value && (lowest === null || value.score < lowest.score)) lowest = value;
	return lowest;
}
