import type { ListenerTopic } from '../support/types.js';
import { listenerErrorsTopic } from './errors.js';
import { lifecycleTopic } from './lifecycle.js';
import { acceptQueueTopic } from './queue.js';
import { listenerStressTopic } from './stress.js';

/** Every listener topic, in the order the suite registers them. */
export const listenerTopics: readonly ListenerTopic[] = [
  lifecycleTopic,
  acceptQueueTopic,
  listenerErrorsTopic,
  listenerStressTopic,
];
