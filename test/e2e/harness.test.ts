// Self-test of the end-to-end harness with built-in n8n nodes only: a real n8n starts with published workflows, their
// production webhooks and form answer, executions are read back through the public API, a manual trigger runs headlessly,
// Data Tables are read through the public API and survive a restart, and this package was installed and loaded as a
// community package.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import {
	REPO_ROOT,
	basicAuthHeader,
	findPackageLoadErrors,
	nodeOutput,
	startN8n,
	submitForm,
	type N8nInstance,
	type WorkflowJson,
} from '../harness';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; n8n?: { nodes?: string[] } };
const declaredNodes = pkg.n8n?.nodes?.length ?? 0;

const echoWorkflow: WorkflowJson = {
	id: 'HarnessEcho00001',
	name: 'Harness echo',
	nodes: [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: '7d0b2a53-5d1f-4c5e-9a49-0e2f3c1a0001',
			parameters: { httpMethod: 'POST', path: 'harness-echo', responseMode: 'responseNode', options: {} },
		},
		{
			name: 'Respond',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1.1,
			parameters: {
				respondWith: 'json',
				responseBody: '={{ JSON.stringify({ echo: $json.body.value, doubled: $json.body.value * 2 }) }}',
				options: {},
			},
		},
	],
	connections: { Webhook: { main: [[{ node: 'Respond', type: 'main', index: 0 }]] } },
};

const relayWorkflow = (targetUrl: string): WorkflowJson => ({
	id: 'HarnessRelay0001',
	name: 'Harness relay',
	nodes: [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: '7d0b2a53-5d1f-4c5e-9a49-0e2f3c1a0002',
			parameters: { httpMethod: 'POST', path: 'harness-relay', responseMode: 'lastNode', options: {} },
		},
		{
			name: 'Call loopback server',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: targetUrl,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: "={{ JSON.stringify({ from: 'n8n', value: $json.body.value }) }}",
				options: {},
			},
		},
	],
	connections: { Webhook: { main: [[{ node: 'Call loopback server', type: 'main', index: 0 }]] } },
});

const MANUAL_TRIGGER = 'When clicking ‘Execute workflow’';
const LEDGER = 'harness_ledger';
const ledgerTable = { __rl: true, mode: 'name', value: LEDGER };
const ledgerColumns: Array<[string, string]> = [
	['label', 'string'],
	['amount', 'number'],
	['paid', 'boolean'],
	['due', 'date'],
];

// Two triggers: the manual one creates the Data Table, the webhook inserts a row into it.
const ledgerWorkflow: WorkflowJson = {
	id: 'HarnessLedger001',
	name: 'Harness ledger',
	nodes: [
		{ name: MANUAL_TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 },
		{
			name: 'Create table',
			type: 'n8n-nodes-base.dataTable',
			typeVersion: 1.1,
			parameters: {
				resource: 'table',
				operation: 'create',
				tableName: LEDGER,
				columns: { column: ledgerColumns.map(([name, type]) => ({ name, type })) },
				options: { createIfNotExists: true },
			},
		},
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: '7d0b2a53-5d1f-4c5e-9a49-0e2f3c1a0003',
			parameters: { httpMethod: 'POST', path: 'harness-ledger', responseMode: 'lastNode', options: {} },
		},
		{
			name: 'Insert row',
			type: 'n8n-nodes-base.dataTable',
			typeVersion: 1.1,
			parameters: {
				resource: 'row',
				operation: 'insert',
				dataTableId: ledgerTable,
				columns: {
					mappingMode: 'defineBelow',
					value: Object.fromEntries(ledgerColumns.map(([name]) => [name, `={{ $json.body.${name} }}`])),
					matchingColumns: [],
					schema: ledgerColumns.map(([id, type]) => ({ id, displayName: id, type, required: false, defaultMatch: false, display: true, canBeUsedToMatch: true })),
					attemptToConvertTypes: false,
					convertFieldsToString: false,
				},
				options: {},
			},
		},
	],
	connections: {
		[MANUAL_TRIGGER]: { main: [[{ node: 'Create table', type: 'main', index: 0 }]] },
		Webhook: { main: [[{ node: 'Insert row', type: 'main', index: 0 }]] },
	},
};

// Form Trigger 2.1: the newest version that still answers through a Respond to Webhook node (2.2+ refuse one).
const FORM_AUTH = { user: 'form-user', password: 'Form-Passw0rd' };
const formWorkflow: WorkflowJson = {
	id: 'HarnessForm00001',
	name: 'Harness form',
	nodes: [
		{
			name: 'Form',
			type: 'n8n-nodes-base.formTrigger',
			typeVersion: 2.1,
			webhookId: '7d0b2a53-5d1f-4c5e-9a49-0e2f3c1a0004',
			credentials: { httpBasicAuth: { id: 'HarnessFormAuth1', name: 'Harness form auth' } },
			parameters: {
				authentication: 'basicAuth',
				path: 'harness-form',
				formTitle: 'Pick a colour',
				formFields: {
					values: [{ fieldLabel: 'Colour', fieldType: 'dropdown', fieldOptions: { values: [{ option: 'red' }, { option: 'green' }] }, requiredField: true }],
				},
				responseMode: 'responseNode',
				options: {},
			},
		},
		{
			name: 'Respond',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1.5,
			parameters: {
				respondWith: 'text',
				responseBody: '=<html><body><p id="chosen">{{ $json.Colour }}</p></body></html>',
				options: { responseHeaders: { entries: [{ name: 'content-type', value: 'text/html; charset=utf-8' }] } },
			},
		},
	],
	connections: { Form: { main: [[{ node: 'Respond', type: 'main', index: 0 }]] } },
};

const postJson = (url: string, body: object) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const ledgerRow = { label: 'before restart', amount: 12.5, paid: true, due: '2026-01-31T00:00:00.000Z' };

// Starting n8n takes ~30 s (CLI import/publish + start); hooks need more than jest's default 5 s.
jest.setTimeout(300_000);

describe('e2e harness with built-in nodes', () => {
	let n8n: N8nInstance | undefined;
	let server: http.Server;
	const received: Array<{ method?: string; url?: string; body: unknown }> = [];

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				received.push({ method: req.method, url: req.url, body: body ? JSON.parse(body) : undefined });
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify({ ok: true, seen: received.length }));
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as { port: number };
		n8n = await startN8n({
			label: 'harness-selftest',
			workflows: [echoWorkflow, relayWorkflow(`http://127.0.0.1:${port}/seen`), ledgerWorkflow, formWorkflow],
			credentials: [{ id: 'HarnessFormAuth1', name: 'Harness form auth', type: 'httpBasicAuth', data: FORM_AUTH }],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await new Promise((resolve) => server?.close(resolve));
	});

	test('registers the production webhooks of the published workflows', () => {
		expect(n8n!.webhooks.map((w) => `${w.method} /${w.endpoint}/${w.path}`).sort()).toEqual([
			'GET /form/harness-form',
			'POST /form/harness-form',
			'POST /webhook/harness-echo',
			'POST /webhook/harness-ledger',
			'POST /webhook/harness-relay',
		]);
		expect(n8n!.webhookUrl({ workflowId: echoWorkflow.id, node: 'Webhook' })).toBe(`${n8n!.baseUrl}/webhook/harness-echo`);
		expect(n8n!.formUrl(formWorkflow.id!, 'Form')).toBe(`${n8n!.baseUrl}/form/harness-form`);
		expect(() => n8n!.formUrl(echoWorkflow.id!, 'Webhook')).toThrow(/no registered form/);
		expect(n8n!.webhookUrl('/webhook/harness-relay')).toBe(`${n8n!.baseUrl}/webhook/harness-relay`);
	});

	test('Webhook → Respond to Webhook answers, and the execution is recorded with its data', async () => {
		const res = await fetch(n8n!.webhookUrl({ workflowId: echoWorkflow.id, node: 'Webhook' }), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ value: 21 }),
		});
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ echo: 21, doubled: 42 });

		const executions = await n8n!.waitForExecutions(echoWorkflow.id!, 1, 30_000);
		expect(executions).toHaveLength(1);
		const [execution] = executions;
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook', workflowId: echoWorkflow.id });
		expect(nodeOutput(execution, 'Webhook')[0]).toMatchObject({ body: { value: 21 } });
		expect(Object.keys(execution.data?.resultData?.runData ?? {}).sort()).toEqual(['Respond', 'Webhook']);
		expect(await n8n!.getExecution(execution.id)).toMatchObject({ id: execution.id, status: 'success' });
	});

	test('Webhook → HTTP Request reaches a loopback server', async () => {
		for (const value of [1, 2]) {
			const res = await fetch(n8n!.webhookUrl('harness-relay'), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ value }),
			});
			expect(res.status).toBe(200);
			expect(await res.json()).toEqual({ ok: true, seen: value });
		}
		expect(received).toEqual([
			{ method: 'POST', url: '/seen', body: { from: 'n8n', value: 1 } },
			{ method: 'POST', url: '/seen', body: { from: 'n8n', value: 2 } },
		]);
		const executions = await n8n!.waitForExecutions(relayWorkflow('').id!, 2, 30_000);
		expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
		expect(executions.map((e) => nodeOutput(e, 'Call loopback server')[0])).toEqual([
			{ ok: true, seen: 1 },
			{ ok: true, seen: 2 },
		]);
		expect(await n8n!.listExecutions(echoWorkflow.id!)).toHaveLength(1); // polling for readiness triggered nothing
	});

	test('this package is installed as a community package and loads without errors', () => {
		expect(n8n!.package?.name).toBe(pkg.name);
		expect(fs.existsSync(path.join(n8n!.userFolder, '.n8n', 'nodes', 'node_modules', pkg.name, 'package.json'))).toBe(true);
		expect(findPackageLoadErrors(n8n!.logs(), pkg.name)).toEqual([]);
	});

	// While the package declares no node yet (nodes are being written), there is nothing n8n could list.
	(declaredNodes > 0 ? test : test.skip)(`n8n lists the package's ${declaredNodes} declared node(s) as ${pkg.name}.* types`, () => {
		expect(n8n!.packageNodeTypes.length).toBeGreaterThanOrEqual(declaredNodes);
		expect(n8n!.packageNodeTypes.every((t) => t.startsWith(`${pkg.name}.`))).toBe(true);
	});

	test('runManualTrigger runs one trigger of a saved workflow; Data Table create with createIfNotExists is idempotent', async () => {
		const first = await n8n!.runManualTrigger(ledgerWorkflow.id!, MANUAL_TRIGGER);
		expect(first).toMatchObject({ status: 'success', mode: 'manual', workflowId: ledgerWorkflow.id });
		expect(Object.keys(first.data?.resultData?.runData ?? {}).sort()).toEqual(['Create table', MANUAL_TRIGGER]); // not the webhook branch
		const [created] = nodeOutput(first, 'Create table');
		expect(created).toMatchObject({ name: LEDGER, id: expect.any(String) });

		const second = await n8n!.runManualTrigger(ledgerWorkflow.id!, MANUAL_TRIGGER);
		expect(second.status).toBe('success');
		expect(nodeOutput(second, 'Create table')[0]).toMatchObject({ name: LEDGER, id: created.id });

		const tables = (await n8n!.dataTables()).filter((t) => t.name === LEDGER);
		expect(tables).toEqual([{ id: created.id, name: LEDGER, columns: ledgerColumns.map(([name, type]) => ({ name, type })) }]);
		expect(await n8n!.dataTableRows(LEDGER)).toEqual([]);
		await expect(n8n!.runManualTrigger(ledgerWorkflow.id!, 'No such node')).rejects.toThrow(/has no enabled node "No such node"/);
	});

	test('n8n Form Trigger with basic auth: 401 without credentials, the form with them, the Respond node answers the POST', async () => {
		const url = n8n!.formUrl(formWorkflow.id!, 'Form');
		expect((await fetch(url)).status).toBe(401);
		const page = await fetch(url, { headers: { authorization: basicAuthHeader(FORM_AUTH) } });
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toMatch(/^text\/html/);
		const html = await page.text();
		expect(html).toMatch(/<select id='field-0' name='field-0'/);
		expect(html).toMatch(/<option value='green'>green/);

		expect(await submitForm(url, { 'field-0': 'green' })).toMatchObject({ status: 401 });
		expect(await n8n!.listExecutions(formWorkflow.id!)).toEqual([]); // rejected before any execution

		const answer = await submitForm(url, { 'field-0': 'green' }, { basicAuth: FORM_AUTH });
		expect(answer).toEqual({ status: 200, contentType: 'text/html; charset=utf-8', body: '<html><body><p id="chosen">green</p></body></html>' });
		const executions = await n8n!.waitForExecutions(formWorkflow.id!, 1, 30_000);
		expect(executions.map((e) => e.status)).toEqual(['success']);
		expect(nodeOutput(executions[0], 'Form')[0]).toMatchObject({ Colour: 'green', formMode: 'production' });
	});

	test('restart(): Data Table rows survive, webhooks answer again, and the session and API key still work', async () => {
		const row = ledgerRow;
		const insert = (body: object) => postJson(n8n!.webhookUrl('harness-ledger'), body);
		const inserted = await insert(row);
		expect(inserted.status).toBe(200);
		expect(await inserted.json()).toMatchObject({ ...row, id: 1 });

		const session = n8n!.auth.cookie;
		n8n!.auth.cookie = 'n8n-auth=spoilt'; // so that restart() has to log in again
		await n8n!.restart();
		expect(n8n!.auth.cookie).toMatch(/^n8n-auth=ey/);
		// The old session survives a restart as well: n8n's JWT secret derives from the fixed encryption key.
		expect((await fetch(`${n8n!.baseUrl}/rest/login`, { headers: { cookie: session } })).status).toBe(200);
		expect(await n8n!.dataTableRows(LEDGER)).toEqual([expect.objectContaining({ ...row, id: 1 })]);

		const echo = await fetch(n8n!.webhookUrl({ workflowId: echoWorkflow.id, node: 'Webhook' }), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ value: 4 }),
		});
		expect(await echo.json()).toEqual({ echo: 4, doubled: 8 });
		expect((await insert({ ...row, label: 'after restart' })).status).toBe(200);
		expect((await n8n!.dataTableRows(LEDGER)).map((r) => r.label)).toEqual(['before restart', 'after restart']);
		expect((await n8n!.runManualTrigger(ledgerWorkflow.id!, MANUAL_TRIGGER)).status).toBe('success'); // the cookie (REST) works
		expect((await n8n!.rest('/login')).status).toBe(200);
	});
});

describe('e2e harness on PostgreSQL', () => {
	let n8n: N8nInstance | undefined;
	beforeAll(async () => {
		n8n = await startN8n({ label: 'harness-postgres', database: 'postgres', installPackage: false, workflows: [echoWorkflow, ledgerWorkflow] });
	});
	afterAll(async () => await n8n?.stop());

	test('n8n runs on its own PostgreSQL: webhooks (from its webhook_entity) answer, a Data Table row survives a restart', async () => {
		expect(n8n!.database).toBe('postgres');
		expect(fs.existsSync(path.join(n8n!.userFolder, '.n8n', 'database.sqlite'))).toBe(false);
		expect(n8n!.webhooks.map((w) => `${w.method} /${w.endpoint}/${w.path}`).sort()).toEqual(['POST /webhook/harness-echo', 'POST /webhook/harness-ledger']);
		expect(await (await postJson(n8n!.webhookUrl({ workflowId: echoWorkflow.id, node: 'Webhook' }), { value: 5 })).json()).toEqual({ echo: 5, doubled: 10 });
		expect((await n8n!.waitForExecutions(echoWorkflow.id!, 1, 30_000)).map((e) => e.status)).toEqual(['success']);

		expect((await n8n!.runManualTrigger(ledgerWorkflow.id!, MANUAL_TRIGGER)).status).toBe('success');
		expect(await (await postJson(n8n!.webhookUrl('harness-ledger'), ledgerRow)).json()).toMatchObject({ ...ledgerRow, id: 1 });
		await n8n!.restart();
		expect(await n8n!.dataTableRows(LEDGER)).toEqual([expect.objectContaining({ ...ledgerRow, id: 1 })]);
	});
});
