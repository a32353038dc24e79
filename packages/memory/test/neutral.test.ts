import { fileURLToPath } from 'node:url';
import { describeRuntimeNeutral } from '../../../tooling/testing/runtime-neutral.js';

describeRuntimeNeutral(fileURLToPath(new URL('../src', import.meta.url)), 10);
