// @elizaos/plugin-sql 1.7.2's `types` condition points at a file it does not ship; describe the one
// export the tests use.
declare module '@elizaos/plugin-sql' {
  import type { Plugin } from '@elizaos/core';
  const sqlPlugin: Plugin;
  export default sqlPlugin;
}
