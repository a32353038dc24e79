import type { FlowTopic } from '../support/types.js';
import { basicTopic } from './basic.js';

/** Every flow topic, in the order the suite registers them. */
export const flowTopics: readonly FlowTopic[] = [basicTopic];
