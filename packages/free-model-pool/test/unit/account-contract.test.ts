import { AccountBook, LocalAccount } from '@freepool/free-model-pool';
import { resolvePolicy, sleep, WaitQueue } from '@freepool/free-model-pool/internal';
import { accountContract } from '../../../../test/helpers/account-contract.js';

// The same contract runs against the fleet's account in packages/plugin-openrouter-free/test/shared-state/account-contract.test.ts.
accountContract('LocalAccount (this process)', async (policy) => ({
  account: new LocalAccount({ book: new AccountBook(), policy: resolvePolicy(policy), now: Date.now, waits: new WaitQueue(Date.now, sleep) }),
}));
