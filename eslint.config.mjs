// Lint rules for the whole repository (npm run lint). Formatting is Prettier's (.prettierrc.json);
// module boundaries and import cycles are dependency-cruiser's (.dependency-cruiser.cjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

/**
 * House rules no published plugin has: a Nest class lives in a file named for its role
 * (`*.service.ts`, …), and only the platform layer declares global modules.
 */
const NEST_ROLES = {
  Controller: ['controller'],
  Module: ['module'],
  Entity: ['entity'],
  Catch: ['filter'],
  Injectable: ['service', 'guard', 'factory', 'interceptor', 'pipe', 'strategy'],
};
/** JSX attributes that never hold text people read (data-* too). */
const NOT_SHOWN_ATTRS = new Set([
  'className',
  'id',
  'key',
  'type',
  'name',
  'role',
  'href',
  'to',
  'method',
  'autoComplete',
  'inputMode',
  'rel',
  'target',
  'lang',
  'htmlFor',
  'variant',
  'icon',
  'size',
  'tone',
  'kind',
  'mode',
  'side',
  'testId',
  'pattern',
  'accept',
  'form',
  'spellCheck',
  'value',
  'defaultValue',
  'path',
  'd',
  'viewBox',
  'fill',
  'stroke',
  'src',
  'position',
  'align',
  'justify',
  'wrap',
  'dir',
  'tabIndex',
  'autoFocus',
  'enterKeyHint',
  'style',
  'language',
  'strokeLinecap',
  'strokeLinejoin',
  'transform',
  'xmlns',
  'focusable',
  'width',
  'height',
  'handle',
  'field',
  'sourceHandle',
  'targetHandle',
  'state',
  'status',
  'aria-hidden',
  'aria-controls',
  'aria-labelledby',
  'aria-describedby',
  'aria-live',
  'aria-haspopup',
  'aria-current',
  'aria-sort',
  'aria-invalid',
  'list',
]);
const house = {
  rules: {
    'role-suffix': {
      meta: {
        type: 'suggestion',
        messages: { name: 'A class decorated @{{decorator}} lives in a *.{{roles}}.ts file' },
      },
      create(context) {
        const file = context.filename.replace(/\\/g, '/');
        return {
          Decorator(node) {
            const name = node.expression.type === 'CallExpression' ? node.expression.callee.name : undefined;
            const roles = NEST_ROLES[name];
            if (!roles || node.parent.type !== 'ClassDeclaration') return;
            if (roles.some((r) => file.endsWith(`.${r}.ts`))) return;
            context.report({ node, messageId: 'name', data: { decorator: name, roles: roles.join('|') } });
          },
        };
      },
    },
    // The editor's text goes through t() (apps/editor/src/i18n): text in JSX, a string attribute or
    // prop people read, or a sentence-like literal anywhere is reported. Not shown to people? Say so in a
    // disable comment (`-- not shown: …`).
    'no-ui-literal': {
      meta: { type: 'problem', messages: { text: 'Text people read goes through t() (src/i18n): "{{text}}"' } },
      create(context) {
        const report = (node, text) =>
          context.report({ node, messageId: 'text', data: { text: text.trim().slice(0, 40) } });
        const sentence = (v) => /^\s*\p{Lu}\p{Ll}+[\s,.:;!?…]|\p{Ll}{2,}\s+\p{Ll}{2,}\s/u.test(v);
        const wordy = (v) => /\p{L}{2}/u.test(v);
        // In an attribute: any word but a lower-case identifier or path ("/connections", "run-now").
        const shown = (attr, v) =>
          !NOT_SHOWN_ATTRS.has(attr) && !attr.startsWith('data-') && wordy(v) && !/^[\p{Ll}\d/._:#-]*$/u.test(v);
        const attrOf = (node) => {
          let n = node.parent;
          if (n?.type === 'JSXExpressionContainer') n = n.parent;
          return n?.type === 'JSXAttribute' ? String(n.name.name) : null;
        };
        const check = (node, value) => {
          const attr = attrOf(node);
          if (attr !== null) {
            if (shown(attr, value)) report(node, value);
            return;
          }
          const p = node.parent;
          if (
            ['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration', 'ImportExpression'].includes(
              p?.type,
            )
          )
            return;
          if (p?.type === 'Property' && p.key === node) return;
          if (p?.type === 'TSLiteralType' || p?.type === 'TSPropertySignature') return;
          if (
            p?.type === 'CallExpression' &&
            p.callee.type === 'MemberExpression' &&
            p.callee.object.name === 'console'
          )
            return;
          if (sentence(value)) report(node, value);
        };
        return {
          JSXText(node) {
            if (wordy(node.value)) report(node, node.value);
          },
          Literal(node) {
            if (typeof node.value === 'string') check(node, node.value);
          },
          TemplateLiteral(node) {
            const text = node.quasis.map((q) => q.value.cooked ?? '').join(' ');
            const attr = attrOf(node);
            if (attr !== null ? shown(attr, text) : sentence(text)) report(node, text);
          },
        };
      },
    },
    'global-only-in-platform': {
      meta: { type: 'problem', messages: { global: '@Global() modules belong to apps/api/src/platform only' } },
      create(context) {
        if (context.filename.replace(/\\/g, '/').includes('/apps/api/src/platform/')) return {};
        return {
          'Decorator > CallExpression[callee.name="Global"]'(node) {
            context.report({ node, messageId: 'global' });
          },
        };
      },
    },
  },
};

const TESTS = ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**', '**/e2e/**', 'bench/**', '**/scripts/**', '**/dev/**'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '.ci/out/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Turns off the rules that fight Prettier's layout; max-len is set again below, for comments and code.
  prettier,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Every line, strings and template literals included, stays within 120 (Prettier's width); a long literal is
      // split into a concatenation. Only a line holding a URL or a regular expression literal may run past.
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
      '@typescript-eslint/no-explicit-any': 'off',
      // Escaping and input checks match control characters on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['apps/api/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    plugins: { house },
    rules: { 'house/role-suffix': 'error', 'house/global-only-in-platform': 'error' },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: TESTS,
    // Tests, benches and scripts may be longer: one file per scenario reads better than a split one.
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    // Every string people read is translated (issue 19 §4): apps/editor/src/i18n, README "Languages".
    files: ['apps/editor/src/**/*.tsx', 'apps/editor/src/**/*.ts'],
    plugins: { house },
    rules: { 'house/no-ui-literal': 'error' },
  },
  {
    files: ['apps/editor/src/**/*.tsx', 'apps/editor/src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs', 'bench/**', '**/scripts/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The SOAP conformance script loads the samples' own .js data files, as node-soap's tests do.
    files: ['libs/engine/scripts/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
