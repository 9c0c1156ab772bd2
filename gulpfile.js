// Copies what tsc does not emit next to the compiled nodes: icons, and the codex files (X.node.json) that n8n reads
// for a node's categories and documentation links.
const { src, dest, task, parallel } = require('gulp');

const copy = (pattern, target) => () => src(pattern, { encoding: false }).pipe(dest(target));

task(
	'build:assets',
	parallel(copy('nodes/**/*.{png,svg,node.json}', 'dist/nodes'), copy('credentials/**/*.{png,svg}', 'dist/credentials')),
);
