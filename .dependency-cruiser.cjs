// The house's layering (docs/architecture.md), checked by test/architecture.test.ts on every `npm test`:
// domain at the centre, use cases (app/) around it owning their ports, adapters (store, slack, http,
// jobs) at the edge, and composition roots (main.ts, runtime.ts and runtime/, cli/, sandbox/) that may
// import anything.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain decides from plain values: it imports only itself, the catalog and the error type.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/i18n/', '^src/errors\\.ts$'] },
    },
    {
      name: 'catalog-is-a-leaf',
      comment: 'Every layer reads its texts from src/i18n; the catalog itself depends on nothing of ours.',
      severity: 'error',
      from: { path: '^src/i18n/' },
      to: { path: '^src/', pathNot: '^src/i18n/' },
    },
    {
      name: 'app-owns-its-ports',
      comment: 'Use cases reach the database, Slack and the scheduler only through the ports in app/ports/.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/(store|slack|http|jobs|cli|sandbox|runtime)/|^src/(main|runtime)\\.ts$' },
    },
    {
      name: 'slack-never-reads-the-store',
      comment: 'Listeners and the outbox worker call use cases; they never query the database themselves.',
      severity: 'error',
      from: { path: '^src/slack/' },
      to: { path: '^src/(store|http|jobs|cli|sandbox|runtime)/|^src/(main|runtime)\\.ts$' },
    },
    {
      name: 'store-implements-app-ports',
      comment: 'The store knows the ports it implements and the domain types it maps, nothing above them.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(slack|http|jobs|cli|sandbox|runtime)/|^src/app/(?!ports/)|^src/(main|runtime)\\.ts$' },
    },
    {
      name: 'http-and-jobs-go-through-ports',
      comment: 'The HTTP endpoints and the scheduler are adapters: they reach the database through ports.',
      severity: 'error',
      from: { path: '^src/(http|jobs)/' },
      to: { path: '^src/(store|slack|cli|sandbox|runtime)/|^src/(main|runtime)\\.ts$' },
    },
    {
      name: 'prisma-only-in-the-store',
      comment: 'Every Prisma call, and the generated clients, live in store/.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/' },
      to: { path: '^node_modules/(@prisma/|prisma/)|^src/store/generated/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/store/generated/' },
  },
};
