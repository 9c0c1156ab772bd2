// Talking to an n8n Form Trigger (v2) the way its web page does.

export interface FormResponse {
	status: number;
	body: string;
	contentType: string | null;
}

/** The Authorization header value for HTTP basic auth. */
export function basicAuthHeader(auth: { user: string; password: string }): string {
	return `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
}

/**
 * Submits a form: POST multipart/form-data (n8n answers 415 to anything else) to the form URL (n8n.formUrl()), one part
 * per field. n8n names the fields `field-<index>`, after their position in the node's formFields.values; a dropdown's
 * value is the option text. With basicAuth this sends an Authorization header (the page itself sends the x-auth-token it
 * received with the form).
 */
export async function submitForm(
	url: string,
	fields: Record<string, string>,
	options: { basicAuth?: { user: string; password: string } } = {},
): Promise<FormResponse> {
	const body = new FormData();
	for (const [name, value] of Object.entries(fields)) body.append(name, value);
	const headers: Record<string, string> = options.basicAuth ? { authorization: basicAuthHeader(options.basicAuth) } : {};
	const r = await fetch(url, { method: 'POST', body, headers });
	return { status: r.status, body: await r.text(), contentType: r.headers.get('content-type') };
}
