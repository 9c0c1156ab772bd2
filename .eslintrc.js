// The gulp-era starter's lint (eslint-plugin-n8n-nodes-base). The stricter @n8n/node-cli lint refuses runtime
// dependencies, which this self-hosted package uses on purpose (see ../README.md, "Runtime dependencies").
module.exports = {
	root: true,
	env: { node: true, es2022: true },
	parser: '@typescript-eslint/parser',
	parserOptions: { project: ['./tsconfig.json'], sourceType: 'module', extraFileExtensions: ['.json'] },
	ignorePatterns: ['.eslintrc.js', '**/*.js', '**/node_modules/**', '**/dist/**'],
	overrides: [
		{ files: ['package.json'], parserOptions: { project: null }, plugins: ['eslint-plugin-n8n-nodes-base'], extends: ['plugin:n8n-nodes-base/community'] },
		{ files: ['./credentials/**/*.ts'], plugins: ['eslint-plugin-n8n-nodes-base'], extends: ['plugin:n8n-nodes-base/credentials'], rules: {
			// "Only applicable to nodes in the main repository" (the rule's own words): there documentationUrl is a docs
			// slug; a community credential links to the service's own page with a full URL.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off' } },
		{ files: ['./nodes/**/*.ts'], plugins: ['eslint-plugin-n8n-nodes-base'], extends: ['plugin:n8n-nodes-base/nodes'], rules: {
			// n8n 1.x+ nodes declare connections with NodeConnectionTypes.Main; this older plugin still wants 'main'.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		} },
	],
};
