// Two projects: fast unit/node/contract tests, and end-to-end tests that drive a real n8n (run in band).
// Run through `node --experimental-vm-modules` so that the ESM-only libraries (mindee, file-type), loaded with
// dynamic import(), really run inside jest.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }];
const common = { testEnvironment: 'node', modulePathIgnorePatterns: ['<rootDir>/.tmp/', '<rootDir>/.n8n-runtime/', '<rootDir>/dist/'], transform: { '^.+\\.ts$': tsJest }, moduleFileExtensions: ['ts', 'js', 'json'] };
module.exports = {
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['<rootDir>/test/e2e/'] },
		{ ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'], testTimeout: 300000 },
	],
};
