// Copies node and credential icons next to the compiled files: tsc only emits JavaScript.
const { src, dest, task } = require('gulp');

function copyIcons() {
	const nodeIcons = src('nodes/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/nodes'));
	return src('credentials/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/credentials'));
}

task('build:icons', copyIcons);
