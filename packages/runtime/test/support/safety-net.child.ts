import { EventEmitter } from 'node:events';
import { createLogger } from '../../src/logger.js';
import { installSafetyNet } from '../../src/process-supervision.js';

// A process with the safety net: a rejection nobody handles, an exception thrown from a timer and an 'error' event
// nobody listens to, then proof that it still runs. The test reads its log and its exit code.
installSafetyNet(createLogger({ level: 'info', service: 'safety-net-test' }));
void Promise.reject(new Error('a rejection nobody handles'));
setTimeout(() => {
  throw new Error('an exception thrown from a timer');
}, 10);
setTimeout(() => new EventEmitter().emit('error', new Error('an error event nobody listens to')), 20);
setTimeout(() => process.stdout.write('still running\n'), 100);
