/**
 * Module boundaries (npm run lint:deps): no import cycles anywhere, and the API's layers import
 * downwards only (apps/api/README.md, "Modules", describes the layers and their folders).
 */

// The API's layers, lowest first; a folder of apps/api/src belongs to exactly one (apps/api/layers.cjs).
const API = '^apps/api/src/';
const LAYERS = require('./apps/api/layers.cjs');
const ORDER = Object.keys(LAYERS);
const folders = (names) => `${API}(${names.join('|')})/`;
const rootFiles = `${API}[^/]+$`;
const above = (layer) => ORDER.slice(ORDER.indexOf(layer) + 1);
const layerRules = ORDER.slice(0, -1).map((layer) => ({
  name: `api-${layer}-imports-downwards`,
  severity: 'error',
  comment: `apps/api/src: the ${layer} layer imports its own layer and those below, never ${above(layer).join(', ')}.`,
  from: { path: folders(LAYERS[layer]) },
  to: { path: [folders(above(layer).flatMap((l) => LAYERS[l])), rootFiles] },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: modules in a cycle cannot be understood, tested or loaded one at a time.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'libs-are-pure',
      severity: 'error',
      comment: 'libs/ knows nothing of Nest, React or the database.',
      from: { path: '^libs/[^/]+/src' },
      to: { path: 'node_modules/(@nestjs|react|react-dom|@xyflow|typeorm|pg|pg-boss)/' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'flow-lib-below-engine',
      severity: 'error',
      comment: 'libs/flow is the definition; the engine builds on it, never the other way round.',
      from: { path: '^libs/flow/' },
      to: { path: '^libs/engine/' },
    },
    {
      name: 'editor-talks-to-the-api-over-http',
      severity: 'error',
      comment: "The editor shares the API's contracts through libs/flow (libs/flow/src/api), never its code.",
      from: { path: '^apps/editor/' },
      to: { path: '^apps/api/' },
    },
    {
      name: 'api-validates-requests-with-dtos',
      severity: 'error',
      comment:
        'Request bodies are class-validator DTOs through one pipe (platform/validation); the flow format is ' +
        "libs/flow's schemas (OpaqueJson(schema)). zod is for the environment only (platform/config).",
      from: { path: API, pathNot: `${API}platform/config/` },
      to: { path: 'node_modules/zod/' },
    },
    ...layerRules,
    {
      name: 'api-folder-in-a-layer',
      severity: 'error',
      comment: 'Every folder of apps/api/src belongs to a layer: add a new one to its layer in apps/api/layers.cjs.',
      from: { path: API, pathNot: [folders(ORDER.flatMap((l) => LAYERS[l])), rootFiles] },
      to: {},
    },
    {
      name: 'api-no-folder-cycles',
      severity: 'error',
      comment:
        'Folders of apps/api/src that import each other (even through others): one of them is in the wrong place.',
      scope: 'folder',
      from: { path: API },
      to: { path: API, circular: true },
    },
    {
      name: 'editor-no-folder-cycles',
      severity: 'error',
      comment:
        'Folders of apps/editor/src that import each other (even through others): one of them is in the wrong place.',
      scope: 'folder',
      from: { path: '^apps/editor/src/' },
      to: { path: '^apps/editor/src/', circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules stay in the graph (not followed): the rules about packages (libs are pure, zod) need them.
    exclude: { path: '(^|/)(dist|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
