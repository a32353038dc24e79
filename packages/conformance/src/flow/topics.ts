import type { FlowTopic } from '../support/types.js';
import { abortTopic } from './abort.js';
import { backpressureTopic } from './backpressure.js';
import { basicTopic } from './basic.js';
import { cancelTopic } from './cancel.js';
import { cloggedTopic } from './clogged.js';
import { closeTopic } from './close.js';
import { closeWriteTopic } from './close-write.js';
import { concurrencyTopic } from './concurrency.js';
import { deadlinesTopic } from './deadlines.js';
import { halfCloseTopic } from './half-close.js';
import { propertiesTopic } from './properties.js';
import { racesTopic } from './races.js';
import { stressTopic } from './stress.js';
import { writeRulesTopic } from './write-rules.js';

/** Every flow topic, in the order the suite registers them. */
export const flowTopics: readonly FlowTopic[] = [
  basicTopic,
  halfCloseTopic,
  closeTopic,
  closeWriteTopic,
  writeRulesTopic,
  backpressureTopic,
  abortTopic,
  cancelTopic,
  concurrencyTopic,
  propertiesTopic,
  cloggedTopic,
  deadlinesTopic,
  racesTopic,
  stressTopic,
];
