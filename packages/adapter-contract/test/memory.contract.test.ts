import { memoryBackend, memoryHarness, runContractSuite } from '../src/index.js';

runContractSuite(memoryHarness, memoryBackend);
