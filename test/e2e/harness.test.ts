// Self-test of the end-to-end harness with built-in n8n nodes only: a real n8n starts with two published workflows,
// their production webhooks answer, executions are read back through the public API, and this package was installed
// and loaded as a community package.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { REPO_ROOT, findPackageLoadErrors, nodeOutput, startN8n, type N8nInstance, type WorkflowJson } from '../harness';

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
		n8n = await startN8n({ label: 'harness-selftest', workflows: [echoWorkflow, relayWorkflow(`http://127.0.0.1:${port}/seen`)] });
	});

	afterAll(async () => {
		await n8n?.stop();
		await new Promise((resolve) => server?.close(resolve));
	});

	test('registers the production webhooks of the published workflows', () => {
		expect(n8n!.webhooks.map((w) => `${w.method} ${w.path}`).sort()).toEqual(['POST harness-echo', 'POST harness-relay']);
		expect(n8n!.webhookUrl({ workflowId: echoWorkflow.id, node: 'Webhook' })).toBe(`${n8n!.baseUrl}/webhook/harness-echo`);
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
});
