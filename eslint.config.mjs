// Lint, plus the dependency rule of ARCHITECTURE.md: each layer may import only
// what its folder allows. One rule object per layer, because a later
// `no-restricted-imports` replaces an earlier one rather than adding to it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const only = (layer, packages) => packages.map((name) => ({
  group: [name, `${name}/*`],
  message: `only src/${layer} may import ${name}`,
}));

const foreign = {
  store: only('store', ['ioredis']),
  telephony: only('telephony', ['drachtio-srf', 'drachtio-fsmrf', 'drachtio-mw-*']),
  http: only('http', ['fastify', '@fastify', 'fastify-*']),
};

// A relative import that climbs out of the layer into src/<name>.
const layerFolders = (names, message) => names.map((name) => ({
  regex: `^(\\.\\./)+${name}(/|$)`,
  message,
}));

// Adapters implement the ports that services declare, and may import those alone.
const servicesExceptPorts = (message) => [{ regex: '^(\\.\\./)+services/(?!ports/)', message }];

// Which outside packages and sibling layers each folder must not reach.
const rules = {
  domain: [
    ...foreign.store, ...foreign.telephony, ...foreign.http,
    ...layerFolders(['store', 'telephony', 'http', 'services', 'config'], 'src/domain imports no other layer'),
  ],
  store: [...foreign.telephony, ...foreign.http,
    ...layerFolders(['telephony', 'http'], 'src/store depends only on domain and service ports'),
    ...servicesExceptPorts('src/store depends only on domain and service ports')],
  telephony: [...foreign.store, ...foreign.http,
    ...layerFolders(['store', 'http'], 'src/telephony depends only on domain and service ports'),
    ...servicesExceptPorts('src/telephony depends only on domain and service ports')],
  services: [...foreign.store, ...foreign.telephony, ...foreign.http,
    ...layerFolders(['http'], 'src/services must not import http')],
  http: [...foreign.store, ...foreign.telephony,
    ...layerFolders(['store', 'telephony'], 'src/http talks to services and domain only')],
  config: [...foreign.store, ...foreign.telephony, ...foreign.http],
};

// src/web runs in the browser: it bundles nothing of the server, and takes
// only types from src/domain (a type import leaves no code behind).
const web = [
  ...foreign.store, ...foreign.telephony, ...foreign.http,
  { group: ['node:*'], message: 'src/web runs in the browser' },
  ...layerFolders(['store', 'telephony', 'http', 'services', 'config'], 'src/web may import types from src/domain only'),
  { regex: '^(\\.\\./)+domain(/|$)', allowTypeImports: true, message: 'src/web may import types from src/domain only (import type)' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...Object.entries(rules).map(([layer, patterns]) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
  {
    files: ['src/web/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: web }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
