/**
 * End-to-end harness: a real n8n (pinned runtime: n8n 2.41.1 on Node 24, installed by `npm run n8n:install` into
 * .n8n-runtime/) with this package installed the way users install a community package.
 *
 * Prerequisites: `npm run build` (dist/), and the runtime (`npm run test:e2e` installs it first). Tests live in
 * test/e2e/**\/*.test.ts and run in band (`npm run test:e2e`).
 *
 *   import { startN8n, nodeOutput, type N8nInstance } from '../harness';
 *
 *   let n8n: N8nInstance;
 *   beforeAll(async () => {
 *     n8n = await startN8n({
 *       workflows: [workflowJson],          // objects, as exported by n8n (ids generated if missing); published by default
 *       credentials: [{ id: 'cred1', name: 'WhatsApp', type: 'whatsAppCloudApi', data: { accessToken: 't', … } }],
 *       env: { MY_FAKE_URL: 'http://127.0.0.1:1234' },   // optional extra n8n environment
 *     });
 *   });
 *   afterAll(() => n8n?.stop());
 *
 *   test('…', async () => {
 *     const res = await fetch(n8n.webhookUrl('WhatsApp Inbox Trigger'), { method: 'POST', body, headers });
 *     const [execution] = await n8n.waitForExecutions(workflowJson.id, 1, 30_000);
 *     expect(execution.status).toBe('success');
 *     expect(nodeOutput(execution, 'Invoice File Check')[0]).toMatchObject({ … });
 *   });
 *
 * startN8n(options) — StartOptions: workflows, credentials ([{id, name, type, data:{plain values}}], n8n encrypts them),
 *   env, installPackage (default true), publish ('all' | 'none' | ids), label, timeouts, database ('sqlite' (default) |
 *   'postgres': the instance starts its own throwaway PostgreSQL, DB_TYPE=postgresdb, see startPostgres). It packs the package
 *   (packPackage), makes a throwaway user folder under .tmp/, picks free loopback ports, imports and publishes with the
 *   n8n CLI, starts n8n, waits for readiness and for every published workflow's activation, fails loudly (with the log
 *   tail) if the package did not load, creates the owner and an API key, and reads the registered production webhooks.
 * N8nInstance:
 *   baseUrl, port, userFolder, database, workflowIds, webhooks [{workflowId, node, method, endpoint, path, url}], packageNodeTypes,
 *   auth {cookie, apiKey, email, password}, webhookUrl(nodeName | {workflowId, node, method} | path),
 *   formUrl(workflowId, nodeName), listExecutions(workflowId), waitForExecutions(workflowId, count, timeoutMs = 60 s)
 *   → executions with data, getExecution(id), runManualTrigger(workflowId, triggerNodeName, timeoutMs = 60 s) → the
 *   finished manual execution, dataTables() → [{id, name, columns}], dataTableRows(exactName) → all rows by id,
 *   api(path) (public API /api/v1, API key), rest(path) (/rest, owner cookie), logs(), restart(), stop({keep}).
 *   restart() stops n8n (SIGTERM) and starts it again on the same folder, port and env, waiting as startN8n does;
 *   the objects above (auth, webhooks) stay the same and are updated.
 *   stop() removes the user folder (and stops and removes the PostgreSQL cluster) unless a test of the file failed, the
 *   harness failed, keep was passed, or KEEP_N8N=1 is set (then it prints where the folder, its n8n.log and the stopped
 *   cluster are).
 * Helpers: nodeOutput(execution, nodeName, output = 0, run = 0) → items' json; executionError(execution);
 *   submitForm(formUrl, {'field-0': 'value'}, {basicAuth}) → {status, body, contentType}; basicAuthHeader({user, password});
 *   findPackageLoadErrors(log, packageName); stopAllN8n() (safety net for afterAll); packPackage(); runtimePaths();
 *   startPostgres() → {host, port, database, user, password, n8nEnv, timings, stop({keep})}: a throwaway local PostgreSQL
 *   (scripts/postgres.mjs: Debian's server, installed with apt-get when missing; run as the postgres OS user when root).
 *
 * Webhook node types: this package's nodes are `n8n-nodes-qonto-whatsapp.<nodeName>` (not CUSTOM.*). A production
 * webhook URL is /webhook/<path> where path is what n8n registered: `<webhookId>/<description path>` for a trigger like
 * WhatsApp Inbox Trigger, `parameters.path` for the built-in Webhook node — use webhookUrl() rather than building it.
 * An n8n Form Trigger (v2+) is served under /form/<path> only (formUrl()). Its latest version (2.6) refuses a connected
 * Respond to Webhook node; v2.1 is the newest that answers with one (responseMode 'responseNode').
 * Outbound calls of workflows must go to loopback servers (contract fakes) through credential base URLs.
 */
export { startN8n, stopAllN8n, nodeOutput, executionError, findPackageLoadErrors, stripAnsi } from './n8n';
export { submitForm, basicAuthHeader, type FormResponse } from './form';
export type {
	StartOptions,
	DataTable,
	N8nInstance,
	WorkflowJson,
	WorkflowNode,
	CredentialJson,
	RegisteredWebhook,
	Execution,
	ExecutionSummary,
	ExecutionStatus,
	NodeRun,
} from './n8n';
export { packPackage, type PackedPackage } from './package';
export { runtimePaths, type RuntimePaths } from './runtime';
export { startPostgres, type PostgresServer } from './postgres';
export { freePort, REPO_ROOT, TMP_DIR } from './util';
