import type { IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { QontoApi } from '../../../credentials/QontoApi.credentials';
import { QontoOAuth2Api } from '../../../credentials/QontoOAuth2Api.credentials';
import { Qonto } from '../../../nodes/Qonto/Qonto.node';

/** Evaluates a credential default/test expression the way n8n does for these simple ones (`={{ … }}` with $self / $credentials). */
function evaluate(expression: string, scope: Record<string, unknown>): unknown {
	const match = /^=\{\{([\s\S]*)\}\}(.*)$/.exec(expression);
	if (!match) return expression;
	// eslint-disable-next-line @typescript-eslint/no-implied-eval
	const value = new Function('$self', '$credentials', `return (${match[1]});`)(scope, scope);
	return `${value}${match[2]}`;
}

const property = (properties: INodeProperties[], name: string) => properties.find((candidate) => candidate.name === name) as INodeProperties;

describe('Qonto API credential', () => {
	const credential = new QontoApi();

	it('authenticates with Authorization: login:secret-key (not Basic) and the staging token in the sandbox only', async () => {
		const authenticate = credential.authenticate as (credentials: object, options: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
		const production = await authenticate({ environment: 'production', login: 'acme-sas-1234', secretKey: 's3cr3t', stagingToken: 'ignored' }, { url: '/v2/organization', headers: { Accept: 'application/json' } });
		expect(production.headers).toEqual({ Accept: 'application/json', Authorization: 'acme-sas-1234:s3cr3t' });
		const sandbox = await authenticate({ environment: 'sandbox', login: 'l', secretKey: 's', stagingToken: 'st' }, { url: '/x' });
		expect(sandbox.headers).toEqual({ Authorization: 'l:s', 'X-Qonto-Staging-Token': 'st' });
	});

	it('tests against GET /v2/organization of the right base URL, and fails on an answer without the organization', () => {
		const baseURL = String(credential.test.request.baseURL);
		expect(evaluate(baseURL, { environment: 'production', baseUrl: '' })).toBe('https://thirdparty.qonto.com');
		expect(evaluate(baseURL, { environment: 'sandbox', baseUrl: '' })).toBe('https://thirdparty-sandbox.staging.qonto.co');
		expect(evaluate(baseURL, { environment: 'sandbox', baseUrl: 'http://127.0.0.1:1234/' })).toBe('http://127.0.0.1:1234');
		expect(credential.test.request.url).toBe('/v2/organization');
		expect(credential.test.rules).toEqual([{ type: 'responseSuccessBody', properties: expect.objectContaining({ key: 'organization.id', value: undefined }) }]);
	});

	it('hides the secrets and shows the staging token for the sandbox only', () => {
		expect(property(credential.properties, 'secretKey').typeOptions?.password).toBe(true);
		expect(property(credential.properties, 'webhookSigningSecret')).toMatchObject({ type: 'string', default: '', typeOptions: { password: true } });
		expect(property(credential.properties, 'stagingToken')).toMatchObject({ typeOptions: { password: true }, displayOptions: { show: { environment: ['sandbox'] } } });
	});
});

describe('Qonto OAuth2 API credential', () => {
	const credential = new QontoOAuth2Api();

	it('extends oAuth2Api with the scopes the node needs, body authentication and the authorization-code grant', () => {
		expect(credential.extends).toEqual(['oAuth2Api']);
		expect(property(credential.properties, 'webhookSigningSecret')).toMatchObject({ type: 'string', default: '', typeOptions: { password: true } });
		const scope = String(property(credential.properties, 'scope').default);
		expect(evaluate(scope, { webhookScope: false })).toBe('organization.read attachment.write supplier_invoice.write supplier_invoice.read membership.read offline_access');
		// Only on request: an OAuth application that Qonto did not allow "webhook" would fail the whole consent.
		expect(evaluate(scope, {})).toBe('organization.read attachment.write supplier_invoice.write supplier_invoice.read membership.read offline_access');
		expect(evaluate(scope, { webhookScope: true })).toBe('organization.read attachment.write supplier_invoice.write supplier_invoice.read membership.read offline_access webhook');
		expect(property(credential.properties, 'webhookScope')).toMatchObject({ type: 'boolean', default: false });
		expect(property(credential.properties, 'authentication').default).toBe('body');
		expect(property(credential.properties, 'grantType').default).toBe('authorizationCode');
	});

	it.each([
		[{ environment: 'production', oauthBaseUrl: '' }, 'https://oauth.qonto.com/oauth2/auth', 'https://oauth.qonto.com/oauth2/token'],
		[{ environment: 'sandbox', oauthBaseUrl: '' }, 'https://oauth-sandbox.staging.qonto.co/oauth2/auth', 'https://oauth-sandbox.staging.qonto.co/oauth2/token'],
		[{ environment: 'sandbox', oauthBaseUrl: 'http://127.0.0.1:4000/' }, 'http://127.0.0.1:4000/oauth2/auth', 'http://127.0.0.1:4000/oauth2/token'],
	])('authorisation and token URLs for %j', (self, authUrl, tokenUrl) => {
		expect(evaluate(String(property(credential.properties, 'authUrl').default), self)).toBe(authUrl);
		expect(evaluate(String(property(credential.properties, 'accessTokenUrl').default), self)).toBe(tokenUrl);
	});
});

describe('Qonto node description', () => {
	const { description } = new Qonto();

	it('is named distinctly and offers both credentials', () => {
		expect(description).toMatchObject({ name: 'qonto', displayName: 'Qonto', version: 1 });
		expect(description.credentials?.map((credential) => [credential.name, credential.displayOptions?.show?.authentication])).toEqual([
			['qontoApi', ['apiKey']],
			['qontoOAuth2Api', ['oAuth2']],
		]);
	});

	it('has one operation parameter per resource, each with an action', () => {
		const operations = description.properties.filter((candidate) => candidate.name === 'operation');
		expect(operations.map((operation) => [operation.displayOptions?.show?.resource?.[0], (operation.options ?? []).map((option) => ('value' in option ? option.value : ''))])).toEqual([
			['organization', ['get']],
			['transaction', ['get', 'getMany']],
			['supplierInvoice', ['getMany', 'upload']],
			['attachment', ['attachSupplierInvoice', 'attachToTransaction', 'listForTransaction']],
			['membership', ['getCurrent', 'getMany']],
		]);
		for (const operation of operations) for (const option of operation.options ?? []) expect('action' in option && option.action).toBeTruthy();
	});
});
