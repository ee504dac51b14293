import { EventEmitter } from 'node:events';
import { createLogger } from '../../src/logger.js';
import { installSafetyNet } from '../../src/process-supervision.js';
import { runInRequestScope } from '../../src/request-scope.js';

// A process with the safety net: a rejection nobody handles, an exception thrown from a timer and an 'error' event
// nobody listens to, two more from inside a request's scope, then proof that it still runs. The test reads its log
// and its exit code.
installSafetyNet(createLogger({ level: 'info', service: 'safety-net-test' }));
void Promise.reject(new Error('a rejection nobody handles'));
setTimeout(() => {
  throw new Error('an exception thrown from a timer');
}, 10);
setTimeout(() => new EventEmitter().emit('error', new Error('an error event nobody listens to')), 20);
// Escaping from work a request started: logged with its id.
runInRequestScope('request-7', () => {
  setTimeout(() => {
    throw new Error('an exception thrown while serving a request');
  }, 30);
  setTimeout(() => void Promise.reject(new Error('a rejection while serving a request')), 40);
});
setTimeout(() => process.stdout.write('still running\n'), 100);
