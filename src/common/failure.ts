/**
 * A failure with a machine-readable reason code, so that a workflow can branch on *why* something failed
 * (e.g. answer "file too large" to the sender) instead of parsing English messages.
 */
export class ReasonedError extends Error {
	constructor(
		readonly reason: string,
		message: string,
		readonly details: Record<string, unknown> = {},
		/** How to fix it, for the n8n admin. */
		readonly hint?: string,
	) {
		super(message);
		this.name = 'ReasonedError';
	}
}

export function reasonOf(error: unknown): string | undefined {
	if (error instanceof ReasonedError) return error.reason;
	const context = (error as { context?: { reason?: unknown } } | null)?.context;
	return typeof context?.reason === 'string' ? context.reason : undefined;
}
