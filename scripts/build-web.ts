import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

// Bundles the browser console (src/web) into dist/web, where the service's
// /console route serves it from. Everything the page needs is in that folder.

const ROOT = resolve(__dirname, '..');
export const WEB_OUT = join(ROOT, 'dist', 'web');
const STATIC_FILES = ['index.html', 'console.css'];

export async function buildWeb(outdir = WEB_OUT): Promise<void> {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'src/web/main.ts')],
    tsconfig: join(ROOT, 'src/web/tsconfig.json'),
    outfile: join(outdir, 'console.js'),
    bundle: true,
    format: 'iife',
    target: ['chrome120', 'firefox120'],
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const file of STATIC_FILES) copyFileSync(join(ROOT, 'src/web', file), join(outdir, file));
}

if (require.main === module) {
  buildWeb().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
