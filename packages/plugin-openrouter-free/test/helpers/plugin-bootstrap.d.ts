// @elizaos/plugin-bootstrap 1.7.2 ships JavaScript without declarations; the tests use its default export.
declare module '@elizaos/plugin-bootstrap' {
  import type { Plugin } from '@elizaos/core';
  const bootstrapPlugin: Plugin;
  export default bootstrapPlugin;
}
