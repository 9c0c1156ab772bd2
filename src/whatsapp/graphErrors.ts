/**
 * Graph API error envelopes ({"error":{message,type,code,error_data:{details},fbtrace_id}}) turned into a
 * classification the nodes act on: what to tell the admin, and whether a retry can help.
 */

export interface GraphError {
	httpStatus: number | null;
	code: number | null;
	message: string;
	details: string | null;
	type: string | null;
	fbtraceId: string | null;
}

interface GraphCodeInfo {
	retry: boolean;
	hint: string;
}

/** Codes Meta documents for the Cloud API, with what helps. Unknown codes fall back on the HTTP status. */
const KNOWN_CODES: Record<number, GraphCodeInfo> = {
	0: { retry: false, hint: 'Authentication failed: check the access token in the WhatsApp Cloud API credential.' },
	1: { retry: true, hint: 'Meta reported an unknown error; it is usually temporary.' },
	2: { retry: true, hint: 'Meta reported a temporary service problem.' },
	4: { retry: true, hint: 'The app hit its API call limit; calls are retried after a pause.' },
	10: { retry: false, hint: 'The token lacks a permission: give the system user whatsapp_business_messaging and whatsapp_business_management.' },
	100: { retry: false, hint: 'Meta refused a parameter: check the phone number id and the message fields.' },
	190: { retry: false, hint: 'The access token expired or was revoked: use a permanent system-user token in the credential.' },
	200: { retry: false, hint: 'The token lacks a permission: give the system user whatsapp_business_messaging.' },
	368: { retry: false, hint: 'Meta temporarily blocked this number for policy violations.' },
	80007: { retry: true, hint: 'The WhatsApp Business Account hit its rate limit; calls are retried after a pause.' },
	130429: { retry: true, hint: 'The number sends faster than its throughput allows; calls are retried after a pause.' },
	130472: { retry: false, hint: "The recipient's number is part of a Meta experiment and cannot receive this message." },
	131000: { retry: true, hint: 'Meta reported an unexpected error; it is usually temporary.' },
	131005: { retry: false, hint: 'Access denied: check the token permissions.' },
	131008: { retry: false, hint: 'A required parameter is missing.' },
	131009: { retry: false, hint: 'A parameter value is invalid (for a reaction: the message is older than 30 days, deleted, or itself a reaction).' },
	131016: { retry: true, hint: 'The WhatsApp service is temporarily unavailable.' },
	131021: { retry: false, hint: 'The recipient is the sending number itself.' },
	131026: { retry: false, hint: 'The message could not be delivered: the recipient may not use WhatsApp, may have blocked the number, or must accept new terms.' },
	131031: { retry: false, hint: 'The business account is locked.' },
	131042: { retry: false, hint: 'There is a problem with the payment method of the WhatsApp Business Account.' },
	131045: { retry: false, hint: 'The phone number is not registered for the Cloud API.' },
	131047: { retry: false, hint: 'More than 24 hours have passed since the user last wrote: only an approved template can be sent now.' },
	131048: { retry: false, hint: 'Meta restricted the number for spam; messages are not sent.' },
	131051: { retry: false, hint: 'The message type is not supported.' },
	131052: { retry: true, hint: 'Meta could not download the media; retried.' },
	131053: { retry: false, hint: 'Meta could not upload the media.' },
	131056: { retry: true, hint: 'Too many messages to the same user in a short time; retried after a pause.' },
	133010: { retry: false, hint: 'The phone number is not registered on the Cloud API.' },
};

export function parseGraphError(httpStatus: number | null, body: unknown): GraphError {
	const envelope = typeof body === 'string' ? safeJson(body) : body;
	const error = isObject(envelope) && isObject(envelope.error) ? envelope.error : null;
	const errorData = error && isObject(error.error_data) ? error.error_data : null;
	const code = error && typeof error.code === 'number' ? error.code : null;
	return {
		httpStatus,
		code,
		message: (error && typeof error.message === 'string' && error.message) || `WhatsApp Cloud API answered HTTP ${httpStatus ?? 'error'}`,
		details: errorData && typeof errorData.details === 'string' ? errorData.details : null,
		type: error && typeof error.type === 'string' ? error.type : null,
		fbtraceId: error && typeof error.fbtrace_id === 'string' ? error.fbtrace_id : null,
	};
}

export function isRetryableGraphError(error: GraphError): boolean {
	if (error.code !== null && KNOWN_CODES[error.code]) return KNOWN_CODES[error.code].retry;
	if (error.httpStatus === null) return true; // network failure, no answer at all
	return error.httpStatus === 429 || error.httpStatus >= 500;
}

/** A sentence for the admin: what Meta said, what it means, and Meta's details. */
export function describeGraphError(error: GraphError): string {
	const hint = error.code !== null ? KNOWN_CODES[error.code]?.hint : undefined;
	return [hint, error.details, error.fbtraceId ? `Meta trace id: ${error.fbtraceId}` : undefined].filter(Boolean).join(' ');
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
