export * from './core.js';
export { flowConformance } from './vitest/flow.js';
export { listenerConformance } from './vitest/listener.js';
