/**
 * Module boundaries (npm run lint:deps): no import cycles anywhere, and the API's layers import
 * downwards only. See docs/architecture.md for the graph these rules keep.
 */
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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
