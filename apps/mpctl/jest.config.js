import { jestConfig } from '../../jest.preset.js';

// The e2e suite boots a whole plane and waits for events to reach the stores: generous timeouts.
export default jestConfig(import.meta.dirname, { testTimeout: 120_000 });
