// The gulp-era starter's lint (eslint-plugin-n8n-nodes-base). The stricter @n8n/node-cli lint refuses runtime
// dependencies, which this self-hosted package uses on purpose (see ../README.md, "Runtime dependencies").
module.exports = {
	root: true,
	env: { node: true, es2022: true },
	parser: '@typescript-eslint/parser',
	parserOptions: { project: ['./tsconfig.json'], sourceType: 'module', extraFileExtensions: ['.json'] },
	ignorePatterns: ['.eslintrc.js', '**/*.js', '**/node_modules/**', '**/dist/**'],
	plugins: ['@typescript-eslint'],
	extends: ['plugin:@typescript-eslint/recommended'],
	rules: {
		// A leading underscore marks what a signature must take but the body does not use (as tsc's noUnused* allow).
		'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
	},
	overrides: [
		{
			// The contract fakes read and rewrite third-party JSON payloads (Meta, Qonto, Mindee fixtures) of open shape.
			files: ['./test/contract-fakes/**/*.ts'],
			rules: { '@typescript-eslint/no-explicit-any': 'off' },
		},
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
