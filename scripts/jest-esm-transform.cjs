// Jest transform for what ts-jest does not take: the console's components (.tsx, JSX for Preact)
// and the ES-module-only packages they import (Preact 11 ships .mjs only), turned into CommonJS
// with esbuild, the way Vite compiles them for the browser.
const { transformSync } = require('esbuild');
const { createHash } = require('node:crypto');

const LOADERS = { '.tsx': 'tsx', '.ts': 'ts', '.mjs': 'js', '.js': 'js' };

module.exports = {
  process(source, file) {
    const loader = LOADERS[file.slice(file.lastIndexOf('.'))] ?? 'js';
    const result = transformSync(source, { loader, format: 'cjs', target: 'es2022', jsx: 'automatic', jsxImportSource: 'preact', sourcefile: file, sourcemap: 'inline' });
    return { code: result.code };
  },
  getCacheKey(source, file) {
    return createHash('sha256').update(__filename).update('\0').update(file).update('\0').update(source).digest('hex');
  },
};
